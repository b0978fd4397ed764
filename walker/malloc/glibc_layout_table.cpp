// The built-in malloc layouts: each release's structs transcribed from glibc's sources
// (malloc/malloc.c, malloc/arena.c); offsetof does the arithmetic.
#include <array>
#include <cstddef>

#include "walker/malloc/glibc_builtin_layout.h"

namespace heapwalk::walker {
namespace {

// ---- The structs, as glibc's sources define them (x86-64: INTERNAL_SIZE_T = size_t = 8). ----

// malloc/malloc.c, struct malloc_state: the same from glibc-2.27 (have_fastchunks) to 2.41.
struct MallocState_2_27 {
  int mutex;  // __libc_lock_define (, mutex)
  int flags;
  int have_fastchunks;
  void* fastbinsY[10];  // NFASTBINS
  void* top;
  void* last_remainder;
  void* bins[254];  // NBINS * 2 - 2
  unsigned binmap[4];
  void* next;
  void* next_free;
  size_t attached_threads, system_mem, max_system_mem;
};

// malloc/malloc.c, struct malloc_par with USE_TCACHE: glibc-2.26 to 2.34.
struct MallocPar_2_26 {
  unsigned long trim_threshold;
  size_t top_pad, mmap_threshold, arena_test, arena_max;
  int n_mmaps, n_mmaps_max, max_n_mmaps, no_dyn_threshold;
  size_t mmapped_mem, max_mmapped_mem;
  char* sbrk_base;
  size_t tcache_bins, tcache_max_bytes, tcache_count, tcache_unsorted_limit;
};

// glibc-2.35 added huge page support after arena_max (under HAVE_TUNABLES, which every Linux
// distribution builds; unconditional from 2.38). Unchanged to 2.41.
struct MallocPar_2_35 {
  unsigned long trim_threshold;
  size_t top_pad, mmap_threshold, arena_test, arena_max;
  size_t thp_pagesize, hp_pagesize;
  int hp_flags;
  int n_mmaps, n_mmaps_max, max_n_mmaps, no_dyn_threshold;
  size_t mmapped_mem, max_mmapped_mem;
  char* sbrk_base;
  size_t tcache_bins, tcache_max_bytes, tcache_count, tcache_unsorted_limit;
};

// malloc/arena.c, struct _heap_info: pad[-6 * SIZE_SZ & MALLOC_ALIGN_MASK] is empty before 2.35.
struct HeapInfo_2_26 {
  void* ar_ptr;
  void* prev;
  size_t size, mprotect_size;
};
// glibc-2.35 added the heap's page size; pad[-3 * SIZE_SZ & MALLOC_ALIGN_MASK] keeps alignment.
struct HeapInfo_2_35 {
  void* ar_ptr;
  void* prev;
  size_t size, mprotect_size, pagesize;
  char pad[(-3 * 8) & 15];
};
static_assert(sizeof(MallocState_2_27) == 2200 && sizeof(MallocPar_2_35) == 136 &&
              sizeof(HeapInfo_2_26) == 32 && sizeof(HeapInfo_2_35) == 48);

template <class State, class Par, class Heap>
constexpr BuiltinMallocLayout entry(std::string_view version, std::string_view source,
                                    bool safe_linking, bool tcache_key_global) {
  BuiltinMallocLayout e{};
  e.version = version;
  e.source = source;
  e.arena_size = sizeof(State);
  e.arena_flags = offsetof(State, flags);
  e.arena_fastbins = offsetof(State, fastbinsY);
  e.nfastbins = std::size(State{}.fastbinsY);
  e.arena_top = offsetof(State, top);
  e.arena_bins = offsetof(State, bins);
  e.nbins = std::size(State{}.bins) / 2 + 1;
  e.arena_next = offsetof(State, next);
  e.arena_attached_threads = offsetof(State, attached_threads);
  e.arena_system_mem = offsetof(State, system_mem);
  e.arena_max_system_mem = offsetof(State, max_system_mem);
  e.par_size = sizeof(Par);
  e.mp_mmap_threshold = offsetof(Par, mmap_threshold);
  e.mp_arena_test = offsetof(Par, arena_test);
  if constexpr (requires(Par p) { p.hp_pagesize; }) {
    e.mp_thp_pagesize = offsetof(Par, thp_pagesize);
    e.mp_hp_pagesize = offsetof(Par, hp_pagesize);
  }
  e.mp_n_mmaps = offsetof(Par, n_mmaps);
  e.mp_n_mmaps_max = offsetof(Par, n_mmaps_max);
  e.mp_max_n_mmaps = offsetof(Par, max_n_mmaps);
  e.mp_mmapped_mem = offsetof(Par, mmapped_mem);
  e.mp_max_mmapped_mem = offsetof(Par, max_mmapped_mem);
  e.mp_sbrk_base = offsetof(Par, sbrk_base);
  e.mp_tcache_bins = offsetof(Par, tcache_bins);
  e.mp_tcache_max_bytes = offsetof(Par, tcache_max_bytes);
  e.mp_tcache_count = offsetof(Par, tcache_count);
  e.heap_info_size = sizeof(Heap);
  e.heap_ar_ptr = offsetof(Heap, ar_ptr);
  e.heap_prev = offsetof(Heap, prev);
  e.heap_size = offsetof(Heap, size);
  e.safe_linking = safe_linking;
  e.tcache_key_global = tcache_key_global;
  return e;
}

using Pre235 = MallocPar_2_26;
constexpr std::string_view kSrc226 =
    "malloc_state, malloc_par (tcache) and heap_info unchanged glibc-2.26..2.34: read in "
    "glibc-2.34 malloc/arena.c and older malloc/malloc.c";
constexpr std::string_view kSrc235 =
    "malloc_par with thp_pagesize/hp_pagesize/hp_flags and heap_info with pagesize: read in "
    "glibc-2.35 and glibc-2.39 malloc/malloc.c, malloc/arena.c; 2.36 checked against DWARF";

constexpr std::array kTable = {
    entry<MallocState_2_27, Pre235, HeapInfo_2_26>("2.31", kSrc226, false, false),
    entry<MallocState_2_27, Pre235, HeapInfo_2_26>("2.32", kSrc226, true, false),
    entry<MallocState_2_27, Pre235, HeapInfo_2_26>("2.33", kSrc226, true, false),
    entry<MallocState_2_27, Pre235, HeapInfo_2_26>("2.34", kSrc226, true, true),
    entry<MallocState_2_27, MallocPar_2_35, HeapInfo_2_35>("2.35", kSrc235, true, true),
    entry<MallocState_2_27, MallocPar_2_35, HeapInfo_2_35>("2.36", kSrc235, true, true),
    entry<MallocState_2_27, MallocPar_2_35, HeapInfo_2_35>("2.37", kSrc235, true, true),
    entry<MallocState_2_27, MallocPar_2_35, HeapInfo_2_35>("2.38", kSrc235, true, true),
    entry<MallocState_2_27, MallocPar_2_35, HeapInfo_2_35>("2.39", kSrc235, true, true),
    entry<MallocState_2_27, MallocPar_2_35, HeapInfo_2_35>("2.40", kSrc235, true, true),
    entry<MallocState_2_27, MallocPar_2_35, HeapInfo_2_35>("2.41", kSrc235, true, true),
};

}  // namespace

std::span<const BuiltinMallocLayout> builtin_malloc_layouts() { return kTable; }

const BuiltinMallocLayout* find_builtin_malloc_layout(std::string_view version) {
  for (const BuiltinMallocLayout& e : kTable)
    if (e.version == version) return &e;
  return nullptr;
}

GlibcLayout offsets_from_table(const BuiltinMallocLayout& e) {
  GlibcLayout l;
  l.version = std::string(e.version);
  l.arena_size = e.arena_size;
  l.arena_flags = e.arena_flags;
  l.arena_fastbins = e.arena_fastbins;
  l.nfastbins = e.nfastbins;
  l.arena_top = e.arena_top;
  l.arena_bins = e.arena_bins;
  l.nbins = e.nbins;
  l.arena_next = e.arena_next;
  l.arena_system_mem = e.arena_system_mem;
  l.mp_sbrk_base = e.mp_sbrk_base;
  l.mp_n_mmaps = e.mp_n_mmaps;
  l.mp_mmapped_mem = e.mp_mmapped_mem;
  l.mp_hp_pagesize = e.mp_hp_pagesize;
  l.mp_tcache_bins = e.mp_tcache_bins;
  l.mp_tcache_count = e.mp_tcache_count;
  l.heap_info_size = e.heap_info_size;
  l.heap_ar_ptr = e.heap_ar_ptr;
  l.heap_prev = e.heap_prev;
  l.heap_size = e.heap_size;
  l.safe_linking = e.safe_linking;
  l.origin.offsets = LayoutOrigin::kBuiltinTable;
  return l;
}

}  // namespace heapwalk::walker
