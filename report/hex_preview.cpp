#include "report/hex_preview.h"

#include <fmt/format.h>

namespace heapwalk::report {

std::string hex_preview(std::span<const uint8_t> bytes) {
  std::string hex, text;
  for (uint8_t b : bytes) {
    hex += fmt::format("{:02x} ", b);
    text += (b >= 0x20 && b < 0x7f) ? static_cast<char>(b) : '.';
  }
  return fmt::format("{} |{}|", hex, text);
}

}  // namespace heapwalk::report
