// What malloc's tunables (struct malloc_par, mp_) say at this stop: the thresholds that decide
// what it keeps and returns, and HEAP_MAX, the size and alignment of a thread arena's heaps.
#pragma once

#include <cstdint>

#include "walker/malloc/malloc_heap.h"
#include "walker/memory/memory_image.h"

namespace heapwalk::walker {

struct MallocParams {
  uint64_t trim_threshold = 0, top_pad = 0, mmap_threshold = 0, arena_max = 0;
  bool thresholds_known = false;  // mp_ was found and holds thresholds
  bool dynamic = false;           // glibc still adjusts them (nobody set them)
  uint64_t heap_max = 0;          // HEAP_MAX
};

// HEAP_MAX: 4 x mp_.hp_pagesize when huge pages back the heaps, else the layout's (before 2.35
// malloc_par has no hp_pagesize: the layout says offset 0 then).
uint64_t heap_max(const GlibcLayout& layout, const MemoryImage& memory);

MallocParams malloc_params(const GlibcLayout& layout, const MemoryImage& memory);

}  // namespace heapwalk::walker
