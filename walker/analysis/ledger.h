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
#include "walker/memory/mappings.h"
#include "walker/session.h"

namespace heapwalk::walker {

struct LedgerRow {
  std::string key;    // "objects": short, for the one-line summary and JSON
  std::string label;  // "objects (typed, reachable)"
  uint64_t bytes = 0;
  bool malloc = false;  // one of the buckets that split malloc's memory
};

struct Ledger {
  std::vector<LedgerRow> rows;  // they sum to `mapped`
  uint64_t mapped = 0;
  std::optional<uint64_t> rss, core_bytes;
  std::string mappings_source;
  uint64_t arena_system_mem = 0, mmapped_bytes = 0;  // what the malloc rows sum to
  uint64_t tcache_bytes = 0;  // inside "free": mallinfo2 counts these as in use
  std::vector<std::string> problems;  // where the books do not balance, and why

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

Ledger build_ledger(Session& session, const ProcessGraph& graph, const LeakReport& leaks,
                    const ProcessMappings& mappings);

}  // namespace heapwalk::walker
