// heap arenas as text, JSON and CSV: each arena's memory by state (in use, free by bin kind, top,
// overhead), then each thread's tcache. Rendering only: walker/ counted the chunks.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "walker/malloc/malloc_heap.h"
#include "walker/roots/tcache_owners.h"

namespace heapwalk::report {

// What an arena's census adds up to. Free memory "outside top" is every free chunk malloc can
// hand out without splitting top: fastbins, tcache, unsorted, small and large bins.
struct ArenaFigures {
  uint64_t free_chunks = 0, free_bytes = 0;  // outside top
  uint64_t largest_free = 0;                 // the largest of those chunks
  // External fragmentation: 1 - largest_free / free_bytes, 0 when nothing is free outside top.
  // 0 means all free memory outside top is one chunk; near 1, it is scattered in small pieces.
  double fragmentation = 0;
};
ArenaFigures arena_figures(const walker::ArenaCensus& arena);

// Every arena's counts summed (address 0, main false, heaps empty); largest_free is the largest
// over all arenas.
walker::ArenaCensus sum_arenas(const walker::MallocHeap& heap);

using walker::TcacheOwners;
using walker::TcacheThread;

// Per arena a table of chunk states (chunks, bytes, human size, % of the arena's system
// memory) ending in a TOTAL row, then the same for all arenas, the mmapped chunks and one line
// per tcache. Lines end in '\n'.
std::string render_arenas_text(const walker::MallocHeap& heap, const TcacheOwners& owners);

// docs/json.md, "heap arenas --format json". Ends in '\n'.
std::string render_arenas_json(const walker::MallocHeap& heap, const TcacheOwners& owners);

// One line per arena and a TOTAL line; tcaches are in the text and JSON reports only.
std::string render_arenas_csv(const walker::MallocHeap& heap);

// Bloaty's human size: "576", "2.81Ki", "1.27Mi", "3.00Gi" (powers of 1024).
std::string human_size(uint64_t bytes);

}  // namespace heapwalk::report
