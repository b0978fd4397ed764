// gdb-remote protocol framing: "$payload#cs" packets, acks, hex and binary escaping. The stub's
// only contact with the bytes on the wire (docs/no-attach.md).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace heapwalk::plugin::no_attach {

// "$<escaped payload>#<two hex digits of the checksum>"; '$', '#', '}' and '*' escaped (LLDB
// undoes the escape in every reply, so binary replies need no more).
std::string frame_packet(std::string_view payload);

// Bytes as lowercase hex, two digits each; and back (nullopt on an odd length or a non-digit).
std::string to_hex(std::span<const uint8_t> bytes);
std::string to_hex(std::string_view text);
std::optional<std::string> from_hex(std::string_view hex);
// A value written in hex without a prefix ("7f00"); nullopt if empty, not hex, or over 64 bits.
std::optional<uint64_t> parse_hex_number(std::string_view text);

// Binary data as the 'x' and qXfer replies carry it: '#', '$', '}' and '*' as '}' + (c ^ 0x20).
std::string escape_binary(std::span<const uint8_t> bytes);

// Splits a byte stream into packets. Acks ('+', '-') are dropped, a ^C (0x03) is reported as
// the payload "\x03", a packet with a bad checksum as nullopt with `bad` set.
class PacketReader {
 public:
  void feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next whole packet's (unescaped) payload, or nullopt when none is complete yet.
  std::optional<std::string> next(bool& bad);

 private:
  std::string buffer_;
};

}  // namespace heapwalk::plugin::no_attach
