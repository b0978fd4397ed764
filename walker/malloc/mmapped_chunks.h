// Chunks malloc got straight from mmap: linked nowhere, so found by their headers.
#pragma once

#include <cstdint>
#include <vector>

#include "walker/malloc/malloc_heap.h"
#include "walker/memory/memory_image.h"

namespace heapwalk::walker {

struct MmappedChunk {
  uint64_t user = 0;          // what malloc returned
  uint64_t usable = 0;        // malloc_usable_size
  uint64_t mapping_size = 0;  // the whole mapping, as mp_.mmapped_mem counts it
};

// Scans the page starts of writable memory outside `arena_ranges` for IS_MMAPPED headers.
std::vector<MmappedChunk> find_mmapped_chunks(const MemoryImage& memory,
                                              const std::vector<HeapRange>& arena_ranges);

}  // namespace heapwalk::walker
