// The chunk walk of glibc malloc's arenas: the ring from main_arena; each arena's heaps (the
// main one from sbrk_base, the others through their heap_info list); the chunks in them; its
// bins and fastbins. In-use chunks go to the heap's table, free ones to its free list, and each
// arena gets its census. Chunks in tcaches and mmapped chunks are found afterwards
// (enumerate_glibc_heap). Corrupt data is skipped with a warning, never followed blindly.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "walker/malloc/malloc_heap.h"
#include "walker/malloc/malloc_params.h"
#include "walker/memory/memory_image.h"

namespace heapwalk::walker {

class ArenaWalk {
 public:
  ArenaWalk(const MemoryImage& memory, const GlibcLayout& layout, MallocHeap& heap,
            const std::function<bool()>& interrupted)
      : memory_(memory), layout_(layout), heap_(heap), interrupted_(interrupted),
        heap_max_(walker::heap_max(layout, memory)) {}

  // Walks every arena of the ring. Throws Interrupted when `interrupted` says stop.
  void run();

  // Chunks of a tcache_perthread_struct's size, in use: where the tcaches may be.
  const std::vector<uint64_t>& tcache_candidates() const { return tcache_candidates_; }
  uint64_t heap_max() const { return heap_max_; }

 private:
  void warn(std::string message) { heap_.warnings.push_back(std::move(message)); }

  // arena_walk.cpp: an arena's heaps, then its free lists and chunks, then its census.
  void walk_arena(uint64_t address, bool main);
  std::string keep_unknown(uint64_t p, uint64_t stop, ArenaCensus& census);
  bool claim(uint64_t start, uint64_t end);
  const HeapRange* range_of(const ArenaCensus& census, uint64_t chunk) const;
  // arena_free_lists.cpp
  void collect_bins(uint64_t arena, ArenaCensus& census);
  void collect_fastbins(uint64_t arena, ArenaCensus& census);
  // arena_chunks.cpp
  void walk_chunks(uint64_t start, uint64_t stop, uint64_t top, ArenaCensus& census);

  const MemoryImage& memory_;
  const GlibcLayout& layout_;
  MallocHeap& heap_;
  const std::function<bool()>& interrupted_;
  uint64_t steps_ = 0;
  uint64_t heap_max_ = 0;
  std::unordered_set<uint64_t> fast_;        // chunks in fastbins: free, though they look in use
  std::unordered_set<uint64_t> heaps_seen_;  // heap_info addresses, over every arena
  struct FreeChunk {
    uint64_t size;
    bool listed;  // found in a bin list already
  };
  std::unordered_map<uint64_t, FreeChunk> free_;  // the current arena's free chunks
  std::vector<uint64_t> tcache_candidates_;
  std::map<uint64_t, uint64_t> claimed_;  // chunk ranges walked so far: start -> end
};

}  // namespace heapwalk::walker
