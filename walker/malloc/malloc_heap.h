// glibc malloc's heap as found in the target: arenas, their chunks, mmapped chunks.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "walker/malloc/allocation_table.h"

namespace lldb {
class SBTarget;
}

namespace heapwalk::walker {

class MemoryImage;

// Where a layout value came from, as llnode's constants know whether they were loaded from the
// target or defaulted: reports and errors can say how much to trust a layout.
enum class LayoutOrigin : uint8_t {
  kUnknown,       // not set (a layout built by hand, e.g. in a test)
  kDebugInfo,     // libc's DWARF / symbols (libc6-dbg)
  kBuiltinTable,  // walker/glibc_builtin_layout.cpp's table for the version found in libc
  kScanned,       // found by structure checks over libc's writable data
  kMissing,       // unknown in this target; the walker does without (e.g. tcache_key)
};
std::string_view to_string(LayoutOrigin origin);

// Addresses and struct offsets taken from libc's debug info (libc6-dbg), or from the built-in
// tables (walker/glibc_builtin_layout.h). Everything the chunk walk needs and nothing more.
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
  // glibc >= 2.32 mangles fastbin/tcache `next` pointers (safe-linking); 2.31 stores them plain.
  bool safe_linking = true;
  // Where the values came from. NB: before 2.35 malloc_par has no hp_pagesize, and the built-in
  // layout leaves mp_hp_pagesize 0 (trim_threshold's offset, never hp_pagesize's): HEAP_MAX is
  // then always heap_max_size.
  struct Origins {
    LayoutOrigin offsets = LayoutOrigin::kUnknown;  // every struct offset and size above
    LayoutOrigin main_arena = LayoutOrigin::kUnknown, mp = LayoutOrigin::kUnknown,
                 tcache_key = LayoutOrigin::kUnknown;
  } origin;
};

// One line saying where each group of values came from, for diagnostics.
std::string describe_origins(const GlibcLayout& layout);

// Throws std::runtime_error with a one-line, actionable reason (e.g. no libc debug info).
GlibcLayout load_glibc_layout(lldb::SBTarget& target);

// libc's debug info when there is some; otherwise the built-in layout for the glibc version found
// in libc's file, with main_arena and mp_ found by structure checks in `memory`. Throws with one
// line naming the version when neither works (glibc_builtin_layout.cpp).
GlibcLayout load_glibc_layout(lldb::SBTarget& target, const MemoryImage& memory);

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
  // bin_free_* split by the bin list that holds each chunk: bins[1] is the unsorted bin,
  // 2..63 the small bins, 64..126 the large bins (from the arena's lists, not guessed by size).
  uint64_t unsorted_chunks = 0, unsorted_bytes = 0;
  uint64_t small_chunks = 0, small_bytes = 0;
  uint64_t large_chunks = 0, large_bytes = 0;
  uint64_t largest_free = 0;    // the largest free chunk in a bin, fastbin or tcache (not top)
  uint64_t overhead_bytes = 0;  // heap_info, malloc_state, fenceposts, alignment gaps
};

// One tcache_perthread_struct found in the heap, and what it holds.
struct TcacheCensus {
  struct Bin {
    uint64_t size = 0;  // chunk size of the size class (32, 48, …)
    uint32_t count = 0;
  };
  uint64_t address = 0;  // the struct (what the thread's `tcache` variable points to)
  uint64_t arena = 0;    // the malloc_state of the arena whose heap holds it; 0 if none does
  std::vector<Bin> bins;  // non-empty size classes, smallest first
  uint64_t chunks = 0, bytes = 0;
};

// mallinfo2() as glibc would compute it, but from our own enumeration.
struct MallinfoTotals {
  uint64_t arena = 0, ordblks = 0, smblks = 0, hblks = 0, hblkhd = 0, fsmblks = 0,
           uordblks = 0, fordblks = 0, keepcost = 0;
  uint64_t usmblks = 0;  // always 0 since glibc 2.26 (no max_total_mem any more)
};

// A free chunk other than top, where it lies (the ledger's resident pages, malloc_trim).
struct FreeRange {
  enum Kind : uint8_t { kBin, kFast, kTcache };
  uint64_t chunk = 0, size = 0;  // the chunk header's address and the chunk's size
  uint64_t arena = 0;            // its malloc_state
  Kind kind = kBin;
};

struct MallocHeap {
  AllocationTable in_use;  // every in-use chunk incl. mmapped ones; excludes tcache/fastbin chunks
  std::vector<ArenaCensus> arenas;
  std::vector<TcacheCensus> tcaches;  // by address
  std::vector<FreeRange> free_chunks;  // bins, fastbins and tcaches, in no order
  uint64_t mmapped_chunks = 0, mmapped_bytes = 0;  // found by scanning, not from mp_'s counters
  std::vector<std::string> warnings;               // corrupt chunks skipped, etc.

  MallinfoTotals mallinfo() const;
};

// Walks every arena and mmapped chunk. Never throws on corrupt data: skips and warns.
// Throws Interrupted when `interrupted` says stop (asked every 64 Ki chunks).
MallocHeap enumerate_glibc_heap(const MemoryImage& memory, const GlibcLayout& layout,
                                const std::function<bool()>& interrupted = {});

}  // namespace heapwalk::walker
