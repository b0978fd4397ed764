#include "walker/memory/core_pages.h"

#include <algorithm>
#include <cstring>

#include "walker/memory/residency.h"

namespace heapwalk::walker {
namespace {

// Word by word, stopping at the first nonzero one (most pages that hold data show it at once).
bool all_zero(const uint8_t* p) {
  const uint8_t* end = p + kPageSize;
  for (; p < end; p += 64) {
    uint64_t w[8];
    std::memcpy(w, p, sizeof w);
    if (w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7]) return false;
  }
  return true;
}

}  // namespace

bool page_nonzero(const MemoryImage& memory, uint64_t page) {
  std::span<const uint8_t> view = memory.view(page, kPageSize);
  if (!view.empty()) return !all_zero(view.data());
  uint8_t buffer[kPageSize];
  return memory.read(page, buffer, kPageSize) && !all_zero(buffer);
}

CorePages::CorePages(const MemoryImage& memory,
                     std::span<const std::pair<uint64_t, uint64_t>> ranges)
    : memory_(memory) {
  for (const auto& [start, end] : ranges) {
    if (end <= start) continue;
    Range r{start & ~(kPageSize - 1), (end + kPageSize - 1) & ~(kPageSize - 1), {}};
    size_t count = (r.end - r.start) / kPageSize;
    r.bits.assign((count + 63) / 64, 0);
    for (size_t i = 0; i < count; ++i)
      if (page_nonzero(memory, r.start + i * kPageSize)) r.bits[i / 64] |= uint64_t{1} << (i % 64);
    pages_ += count;
    ranges_.push_back(std::move(r));
  }
  std::sort(ranges_.begin(), ranges_.end(),
            [](const Range& a, const Range& b) { return a.start < b.start; });
}

bool CorePages::nonzero(uint64_t page) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), page,
                             [](uint64_t p, const Range& r) { return p < r.start; });
  if (it != ranges_.begin()) {
    const Range& r = *std::prev(it);
    if (page < r.end) {
      size_t i = (page - r.start) / kPageSize;
      return r.bits[i / 64] >> (i % 64) & 1;
    }
  }
  return page_nonzero(memory_, page);
}

}  // namespace heapwalk::walker
