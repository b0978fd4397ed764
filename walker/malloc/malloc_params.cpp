#include "walker/malloc/malloc_params.h"

namespace heapwalk::walker {

uint64_t heap_max(const GlibcLayout& layout, const MemoryImage& memory) {
  uint64_t hp = layout.mp && layout.mp_hp_pagesize ? memory.word(layout.mp + layout.mp_hp_pagesize) : 0;
  uint64_t max = hp ? 4 * hp : layout.heap_max_size;
  // HEAP_MAX is a power of two of at least a page; anything else is a damaged mp_.
  if (max < 4096 || (max & (max - 1)) || max > (uint64_t{1} << 40)) max = layout.heap_max_size;
  return max;
}

MallocParams malloc_params(const GlibcLayout& layout, const MemoryImage& memory) {
  MallocParams p;
  if (layout.mp) {
    // struct malloc_par opens with trim_threshold, top_pad, mmap_threshold, arena_test,
    // arena_max (every glibc since 2.26); no_dyn_threshold follows n_mmaps, n_mmaps_max and
    // max_n_mmaps.
    p.trim_threshold = memory.word(layout.mp);
    p.top_pad = memory.word(layout.mp + 8);
    p.mmap_threshold = memory.word(layout.mp + 16);
    p.arena_max = memory.word(layout.mp + 32);
    p.thresholds_known = p.trim_threshold != 0 || p.mmap_threshold != 0;
    if (layout.mp_n_mmaps)
      p.dynamic = memory.load<int32_t>(layout.mp + layout.mp_n_mmaps + 12).value_or(0) == 0;
  }
  p.heap_max = heap_max(layout, memory);
  return p;
}

}  // namespace heapwalk::walker
