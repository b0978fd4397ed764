// "48 65 6c 6c 6f 00 …  |Hello.|": the first bytes of a block, for leak samples.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace heapwalk::report {

std::string hex_preview(std::span<const uint8_t> bytes);

}  // namespace heapwalk::report
