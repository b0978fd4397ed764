// The whole-process ledger (the Topographica guide's allsizes_mb): every byte of the process's
// mapped memory in exactly one bucket, from code to leaks to what malloc keeps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <span>

#include "walker/analysis/leaks.h"
#include "walker/graph/heap_graph.h"
#include "walker/malloc/malloc_heap.h"
#include "walker/memory/mappings.h"

namespace heapwalk::walker {

struct LedgerRow {
  std::string key;    // "objects": short, for the one-line summary and JSON
  std::string label;  // "objects (typed, reachable)"
  uint64_t bytes = 0;
  bool malloc = false;  // one of the buckets that split malloc's memory
  // Resident bytes (live; for a core the estimate: its pages that are not all zero) and
  // swapped bytes of the bucket (walker/analysis/resident_ledger.h).
  uint64_t resident = 0, swapped = 0;
};

// What an arena keeps that it could give back (walker/analysis/resident_ledger.h).
struct ArenaKeep {
  uint64_t arena = 0;
  bool main = false;
  uint64_t free_resident = 0;  // resident bytes of pages wholly inside free chunks and top
  uint64_t returnable = 0;     // of them, what malloc_trim(0) would return (glibc 2.36's rules)
  uint64_t reserved = 0;       // address space reserved for its heaps, never mapped (PROT_NONE)
  uint64_t untouched = 0;      // bytes of its heaps mapped but not resident
};

struct MallocKeep {
  std::vector<ArenaKeep> arenas;
  uint64_t free_resident = 0, returnable = 0, reserved = 0, untouched = 0;
  // mp_'s thresholds; dynamic: glibc still adjusts them (nobody set them).
  uint64_t mmap_threshold = 0, trim_threshold = 0, top_pad = 0, arena_max = 0;
  bool thresholds_known = false, dynamic = false;
  std::string hint;  // one line when freed memory is large; empty otherwise
};

// The arrays row by element type (the guide's n_bytes / n_conns): elements as their owners
// hold them (walker/graph/element_counts.h), each buffer counted once; a buffer several owners
// hold (through shared_ptrs) is marked shared, and `owned_elements` counts its elements once
// per owner, as the guide's n_conns counts connections "unique or not".
struct ArrayTypeRow {
  std::string kind;  // "float[]"
  uint64_t arrays = 0, bytes = 0, resident = 0;
  uint64_t elements = 0, uncounted = 0;  // uncounted: arrays no owner gave a count for
  uint64_t shared_arrays = 0, shared_elements = 0, shared_owners = 0;
  uint64_t owned_elements = 0;
};

// What the resident column is: none (residency unknown: a remote target), the live process's
// pages (exact), or a core's pages that are not all zero (an estimate).
enum class ResidentBasis { kNone, kLive, kCoreEstimate };

struct Ledger {
  std::vector<LedgerRow> rows;  // they sum to `mapped`
  uint64_t mapped = 0;
  std::optional<uint64_t> rss, core_bytes;
  std::string mappings_source;
  uint64_t arena_system_mem = 0, mmapped_bytes = 0;  // what the malloc rows sum to
  uint64_t tcache_bytes = 0;  // inside "free": mallinfo2 counts these as in use
  std::vector<std::string> problems;  // where the books do not balance, and why
  ResidentBasis basis = ResidentBasis::kNone;
  uint64_t resident = 0, swapped = 0;  // the rows' sums
  std::optional<uint64_t> smaps_rss;   // live: the sum of smaps' Rss (what `resident` equals)
  MallocKeep keep;
  std::vector<ArrayTypeRow> arrays;  // by bytes, largest first (empty: not computed)

  uint64_t bytes(const std::string& key) const;
};

// The ledger's allocation buckets, a function of the graph: every allocation but the program's
// allocators' block heads (counted as their overhead) in one of objects (reached, typed at its
// start, not a scalar array), arrays (the same, a buffer of numbers), conservative (reached
// otherwise), leaked; `mmapped_usable` sums the usable sizes of mmapped chunks.
struct AllocationBuckets {
  uint64_t objects = 0, arrays = 0, conservative = 0, leaked = 0, mmapped_usable = 0;
};
// reach_flags: ProcessGraph::reach_flags (per allocation); leaked: leaks_of (ascending).
AllocationBuckets allocation_buckets(const AllocationTable& table,
                                     std::span<const uint8_t> reach_flags,
                                     std::span<const NodeId> leaked);

// The rows, from malloc's census, the graph's reach and the process's mappings (code: the
// file-backed ones; stacks: those holding a thread's stack pointer).
Ledger build_ledger(const MallocHeap& heap, const ProcessGraph& graph, const LeakReport& leaks,
                    const ProcessMappings& mappings);

}  // namespace heapwalk::walker
