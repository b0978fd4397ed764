// glibc malloc's heap as found in the target: arenas, their chunks, mmapped chunks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "walker/allocation_table.h"

namespace lldb {
class SBTarget;
}

namespace heapwalk::walker {

class MemoryImage;

// Addresses and struct offsets taken from libc's debug info (libc6-dbg), or later from
// built-in tables. Everything the chunk walk needs and nothing more.
struct GlibcLayout {
  std::string version;         // "2.36"
  uint64_t main_arena = 0;     // &main_arena
  uint64_t mp = 0;             // &mp_
  uint64_t tcache_key_addr = 0;  // &tcache_key (0 when unknown)
  // struct malloc_state
  uint32_t arena_size = 0;  // sizeof(struct malloc_state)
  uint32_t arena_fastbins = 0, arena_top = 0, arena_bins = 0, arena_next = 0,
           arena_system_mem = 0, arena_flags = 0;
  uint32_t nfastbins = 10, nbins = 128;
  // struct malloc_par
  uint32_t mp_sbrk_base = 0, mp_n_mmaps = 0, mp_mmapped_mem = 0, mp_hp_pagesize = 0,
           mp_tcache_bins = 0, mp_tcache_count = 0;
  // struct _heap_info
  uint32_t heap_info_size = 0, heap_ar_ptr = 0, heap_prev = 0, heap_size = 0;
  uint64_t heap_max_size = 64ull << 20;  // HEAP_MAX_SIZE on x86-64
};

// Throws std::runtime_error with a one-line, actionable reason (e.g. no libc debug info).
GlibcLayout load_glibc_layout(lldb::SBTarget& target);

struct HeapRange {
  uint64_t start = 0, end = 0;  // bytes malloc owns (for a non-main heap: the heap_info start)
};

struct ArenaCensus {
  uint64_t address = 0;      // the malloc_state
  bool main = false;
  uint64_t system_mem = 0;   // as the arena records it
  std::vector<HeapRange> heaps;
  uint64_t top_chunk = 0, top_size = 0;
  uint64_t in_use_chunks = 0, in_use_bytes = 0;        // chunk sizes, tcache excluded
  uint64_t bin_free_chunks = 0, bin_free_bytes = 0;    // normal bins (not top)
  uint64_t fast_free_chunks = 0, fast_free_bytes = 0;  // fastbins
  uint64_t tcache_chunks = 0, tcache_bytes = 0;        // in tcaches (malloc counts them in use)
  uint64_t largest_free = 0;
  uint64_t overhead_bytes = 0;  // heap_info, malloc_state, fenceposts, alignment gaps
};

// mallinfo2() as glibc would compute it, but from our own enumeration.
struct MallinfoTotals {
  uint64_t arena = 0, ordblks = 0, smblks = 0, hblks = 0, hblkhd = 0, fsmblks = 0,
           uordblks = 0, fordblks = 0, keepcost = 0;
  uint64_t usmblks = 0;  // always 0 since glibc 2.26 (no max_total_mem any more)
};

struct MallocHeap {
  AllocationTable in_use;  // every in-use chunk incl. mmapped ones; excludes tcache/fastbin chunks
  std::vector<ArenaCensus> arenas;
  uint64_t mmapped_chunks = 0, mmapped_bytes = 0;  // found by scanning, not from mp_'s counters
  std::vector<std::string> warnings;               // corrupt chunks skipped, etc.

  MallinfoTotals mallinfo() const;
};

// Walks every arena and mmapped chunk. Never throws on corrupt data: skips and warns.
MallocHeap enumerate_glibc_heap(const MemoryImage& memory, const GlibcLayout& layout);

}  // namespace heapwalk::walker
