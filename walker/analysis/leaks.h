// Leaks: allocations in use that no root reaches, even conservatively; split as memcheck and
// LeakSanitizer do into direct leaks and indirect ones (reachable only from other leaks).
// Functions of the process graph: its reach from node 0 says what leaks, the leak phase's
// edges among leaked allocations make the split, its leak names the kinds.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "walker/analysis/partition.h"
#include "walker/graph/heap_graph.h"
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

// The allocations (ascending; node n + 1 of the graph is allocation n) that no path from node 0
// reaches through any edge: weak edges count (a weak_ptr keeps its control block allocated), so
// do conservative ones.
std::vector<NodeId> leaks_of(const HeapGraph& graph);

// leaks_of, the direct/indirect split over the graph's edges among leaked allocations (a leaked
// cycle that nothing else leaked points to has one direct member, its lowest address), and
// their kinds from graph.leak_names: the vtable's dynamic type; else a type inferred through
// typed pointers from leaked typed objects; else "<untyped N bytes>". nullopt when interrupted.
std::optional<LeakReport> find_leaks(const ProcessGraph& graph,
                                     const std::function<bool()>& interrupted = {});

// The session's process graph (built on first use) and find_leaks over it, timed.
std::optional<LeakReport> session_leaks(Session& session,
                                        const std::function<bool()>& interrupted = {});

}  // namespace heapwalk::walker
