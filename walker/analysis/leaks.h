// Leaks: allocations in use that no root reaches, even conservatively; split as memcheck and
// LeakSanitizer do into direct leaks and indirect ones (reachable only from other leaks).
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "walker/analysis/partition.h"
#include "walker/analysis/reachability.h"
#include "walker/session.h"

namespace heapwalk::walker {

struct Leak {  // 8 bytes: reports may hold millions
  NodeId node = 0;
  uint32_t kind : 31 = 0;  // a KindId
  uint32_t direct : 1 = 0;
};

// What the direct/indirect split (walker/leak_components.h) built, for --timings.
struct LeakSplitStats {
  uint64_t edges = 0, components = 0;
  uint64_t peak_bytes = 0;  // the split's arrays at their largest
  double graph_seconds = 0, components_seconds = 0;
};

struct LeakReport {
  std::vector<Leak> leaks;  // by address
  uint64_t direct = 0, indirect = 0;
  LeakSplitStats split;

  Partition partition(const KindTable& kinds, const AllocationTable& table) const;
};

// A leaked cycle that nothing else leaked points to has one direct member (its lowest address).
// Kinds: the vtable's dynamic type; else a type inferred through typed pointers from leaked
// typed objects; else "<untyped N bytes>".
std::optional<LeakReport> find_leaks(Session& session, const Reachability& reachability,
                                     const std::function<bool()>& interrupted = {});

// Everything the process reaches from all its roots, and what it leaks.
struct HeapCensus {
  Reachability reachability;
  LeakReport leaks;
};

// all_roots + reach_all + find_leaks; nullopt when interrupted.
std::optional<HeapCensus> census_from_all_roots(Session& session,
                                                const std::function<bool()>& interrupted = {});

}  // namespace heapwalk::walker
