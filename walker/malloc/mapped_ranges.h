// Which bytes of the target are readable, asked of the memory image's sorted, disjoint regions:
// the chunk walk never follows a size or link into memory that is not there.
#pragma once

#include <cstdint>

#include "walker/memory/memory_image.h"

namespace heapwalk::walker {

// The readable bytes of [start, end).
uint64_t mapped_bytes(const MemoryImage& memory, uint64_t start, uint64_t end);

// The end of the readable bytes that start at addr without a gap (addr itself if unreadable).
uint64_t mapped_end(const MemoryImage& memory, uint64_t addr);

// Whether [start, end) is readable without a gap.
bool mapped_range(const MemoryImage& memory, uint64_t start, uint64_t end);

}  // namespace heapwalk::walker
