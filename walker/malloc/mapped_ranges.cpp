#include "walker/malloc/mapped_ranges.h"

#include <algorithm>
#include <vector>

namespace heapwalk::walker {

uint64_t mapped_bytes(const MemoryImage& memory, uint64_t start, uint64_t end) {
  const std::vector<Region>& regions = memory.regions();
  auto it = std::upper_bound(regions.begin(), regions.end(), start,
                             [](uint64_t a, const Region& r) { return a < r.start; });
  if (it != regions.begin()) --it;
  uint64_t bytes = 0;
  for (; it != regions.end() && it->start < end; ++it) {
    uint64_t lo = std::max(start, it->start), hi = std::min(end, it->end);
    if (hi > lo) bytes += hi - lo;
  }
  return bytes;
}

uint64_t mapped_end(const MemoryImage& memory, uint64_t addr) {
  uint64_t end = addr;
  for (const Region* r = memory.region_of(addr); r; r = memory.region_of(r->end)) end = r->end;
  return end;
}

bool mapped_range(const MemoryImage& memory, uint64_t start, uint64_t end) {
  if (end < start) return false;
  const Region* r = memory.region_of(start);  // regions are sorted and disjoint
  while (r) {
    if (end <= r->end) return true;
    const Region* next = memory.region_of(r->end);
    if (!next || next == r) return false;
    r = next;
  }
  return false;
}

}  // namespace heapwalk::walker
