// glibc malloc layouts without libc's debug info: a table of struct offsets per glibc release
// (x86-64), chosen by the version string in libc's file, and main_arena / mp_ found by structure
// checks over libc's writable data, since a stripped libc exports neither symbol.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "walker/malloc/malloc_heap.h"

namespace lldb {
class SBModule;
class SBTarget;
}  // namespace lldb

namespace heapwalk::walker {

// One glibc release's malloc structs on x86-64, as its sources define them.
struct BuiltinMallocLayout {
  std::string_view version;  // "2.36"
  std::string_view source;   // where the struct definitions were read
  // struct malloc_state
  uint32_t arena_size, arena_flags, arena_fastbins, nfastbins, arena_top, arena_bins, nbins,
      arena_next, arena_attached_threads, arena_system_mem, arena_max_system_mem;
  // struct malloc_par; 0 for a field the release does not have (no field but trim_threshold
  // sits at offset 0)
  uint32_t par_size, mp_mmap_threshold, mp_arena_test, mp_thp_pagesize, mp_hp_pagesize, mp_n_mmaps,
      mp_n_mmaps_max, mp_max_n_mmaps, mp_mmapped_mem, mp_max_mmapped_mem, mp_sbrk_base,
      mp_tcache_bins, mp_tcache_max_bytes, mp_tcache_count;
  // struct _heap_info
  uint32_t heap_info_size, heap_ar_ptr, heap_prev, heap_size;
  bool safe_linking;       // 2.32+: fastbin and tcache `next` pointers are mangled
  bool tcache_key_global;  // 2.34+: tcache entries' key is the random global tcache_key
};

// Every release in the table, oldest first.
std::span<const BuiltinMallocLayout> builtin_malloc_layouts();
// The entry for "2.36", or nullptr.
const BuiltinMallocLayout* find_builtin_malloc_layout(std::string_view version);

// "2.36" from libc's banner ("GNU C Library (Debian GLIBC 2.36-9+deb12u14) stable release
// version 2.36."), anywhere in `bytes`; nullopt when there is no banner.
std::optional<std::string> parse_glibc_version(std::string_view bytes);
// The version of the libc module: from its ELF file, else from LLDB's copy of its .rodata.
std::optional<std::string> glibc_version_of(lldb::SBModule& libc);

// The table entry's offsets as a GlibcLayout (addresses left 0), marked kBuiltinTable.
GlibcLayout offsets_from_table(const BuiltinMallocLayout& entry);

// Structure checks over [begin, end) of the target: every 8-aligned address that looks like an
// initialised main_arena (arena ring returns to it, bins point at themselves or at chunks that
// point back, top is a chunk with PREV_INUSE, system_mem page-sized), and every address that
// looks like mp_ for that arena (sbrk_base <= top < sbrk_base + system_mem, tcache limits,
// mmap counters consistent).
std::vector<uint64_t> find_main_arena_candidates(const MemoryImage& memory,
                                                 const BuiltinMallocLayout& entry, uint64_t begin,
                                                 uint64_t end);
std::vector<uint64_t> find_mp_candidates(const MemoryImage& memory,
                                         const BuiltinMallocLayout& entry, uint64_t main_arena,
                                         uint64_t begin, uint64_t end);

// The built-in layout for the target's libc with main_arena and mp_ located by scanning libc's
// writable PT_LOAD segments. Throws std::runtime_error naming the version when it cannot.
GlibcLayout builtin_glibc_layout(lldb::SBTarget& target, lldb::SBModule& libc,
                                 const MemoryImage& memory);

}  // namespace heapwalk::walker
