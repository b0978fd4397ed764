// Chunks held in per-thread caches (tcache): free, though their neighbours say "in use".
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "walker/malloc/malloc_heap.h"
#include "walker/memory/memory_image.h"

namespace heapwalk::walker {

// sizeof(tcache_perthread_struct) = 64 × uint16_t + 64 × pointer = 640 bytes: a 0x290 chunk.
inline constexpr uint64_t kTcacheStructChunkSize = 0x290;

// The chunks (chunk addresses) in every thread's tcache. `candidates` are the in-use chunks of
// tcache_perthread_struct's size; those whose every bin is a consistent list are tcaches.
std::vector<uint64_t> tcache_chunks(const MemoryImage& memory, const GlibcLayout& layout,
                                    const std::vector<uint64_t>& candidates);

// One candidate that is a consistent tcache: its chunk, its counts[], and its cached chunks in
// bin order. An all-zero candidate passes (an empty tcache, or a zeroed 640-byte block).
struct FoundTcache {
  uint64_t chunk = 0;
  std::array<uint16_t, 64> counts{};
  std::vector<uint64_t> chunks;
};
// A candidate whose header looks like a tcache but whose lists do not match their counts (a loop
// never ends in NULL) is dropped with a warning in `warnings` (when given).
std::vector<FoundTcache> find_tcaches(const MemoryImage& memory, const GlibcLayout& layout,
                                      const std::vector<uint64_t>& candidates,
                                      std::vector<std::string>* warnings = nullptr);

}  // namespace heapwalk::walker
