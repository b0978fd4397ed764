// glibc 2.36's malloc offsets (as its DWARF gives them) for synthetic heaps: the unit tests'
// and the glibc_heap fuzzer's main arena and mp_ at addresses of their choosing.
#pragma once

#include <cstdint>

#include "walker/malloc/malloc_heap.h"

namespace heapwalk::test {

inline walker::GlibcLayout glibc_236_layout(uint64_t main_arena, uint64_t mp) {
  walker::GlibcLayout l;
  l.main_arena = main_arena;
  l.mp = mp;
  l.arena_size = 2200;
  l.arena_fastbins = 16;
  l.arena_top = 96;
  l.arena_bins = 112;
  l.arena_next = 2160;
  l.arena_system_mem = 2184;
  l.mp_sbrk_base = 96;
  l.mp_n_mmaps = 60;
  l.mp_mmapped_mem = 80;
  l.mp_hp_pagesize = 48;
  l.mp_tcache_count = 120;
  return l;
}

}  // namespace heapwalk::test
