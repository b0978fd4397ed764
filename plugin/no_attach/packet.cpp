#include "plugin/no_attach/packet.h"

#include <fmt/format.h>

namespace heapwalk::plugin::no_attach {
namespace {

bool needs_escape(uint8_t c) { return c == '#' || c == '$' || c == '}' || c == '*'; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string escape_binary(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (uint8_t c : bytes) {
    if (needs_escape(c)) {
      out += '}';
      out += static_cast<char>(c ^ 0x20);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string frame_packet(std::string_view payload) {
  std::string body = escape_binary(
      std::span(reinterpret_cast<const uint8_t*>(payload.data()), payload.size()));
  uint8_t sum = 0;
  for (char c : body) sum = static_cast<uint8_t>(sum + static_cast<uint8_t>(c));
  return fmt::format("${}#{:02x}", body, sum);
}

std::string to_hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::string to_hex(std::string_view text) {
  return to_hex(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::optional<uint64_t> parse_hex_number(std::string_view text) {
  if (text.empty() || text.size() > 16) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    int d = hex_digit(c);
    if (d < 0) return std::nullopt;
    value = value * 16 + static_cast<uint64_t>(d);
  }
  return value;
}

std::optional<std::string> PacketReader::next(bool& bad) {
  bad = false;
  for (;;) {
    size_t start = buffer_.find_first_of("$\x03");
    if (start == std::string::npos) {
      buffer_.clear();  // acks and noise
      return std::nullopt;
    }
    if (buffer_[start] == '\x03') {
      buffer_.erase(0, start + 1);
      return std::string("\x03");
    }
    size_t hash = buffer_.find('#', start + 1);
    if (hash == std::string::npos || buffer_.size() < hash + 3) {
      buffer_.erase(0, start);
      return std::nullopt;
    }
    std::string_view body(buffer_.data() + start + 1, hash - start - 1);
    uint8_t sum = 0;
    for (char c : body) sum = static_cast<uint8_t>(sum + static_cast<uint8_t>(c));
    auto given = parse_hex_number(std::string_view(buffer_.data() + hash + 1, 2));
    std::string payload;
    for (size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '}' && i + 1 < body.size()) {
        payload += static_cast<char>(body[++i] ^ 0x20);
      } else {
        payload += body[i];
      }
    }
    buffer_.erase(0, hash + 3);
    if (!given || *given != sum) {
      bad = true;
      return std::nullopt;
    }
    return payload;
  }
}

}  // namespace heapwalk::plugin::no_attach
