// A core has no residency: the ledger's estimate counts the pages it holds that are not all
// zero. This finds them once, in one pass over the mappings, a bit per page, so that every part
// of the ledger (buckets, what malloc keeps, the arrays) asks the same pages without reading
// them again.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "walker/memory/memory_image.h"

namespace heapwalk::walker {

// True when the page at `page` (aligned) reads, and not as all zeros.
bool page_nonzero(const MemoryImage& memory, uint64_t page);

class CorePages {
 public:
  // Scans the pages of each [start, end) range (rounded out to pages).
  CorePages(const MemoryImage& memory, std::span<const std::pair<uint64_t, uint64_t>> ranges);

  // page_nonzero(page), from the scan where it covered the page, else read now.
  bool nonzero(uint64_t page) const;

  size_t pages() const { return pages_; }

 private:
  struct Range {
    uint64_t start, end;  // page-aligned
    std::vector<uint64_t> bits;  // a bit per page: not all zero
  };
  const MemoryImage& memory_;
  std::vector<Range> ranges_;  // by start
  size_t pages_ = 0;
};

}  // namespace heapwalk::walker
