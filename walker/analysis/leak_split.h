// The direct/indirect split of leaks (walker/analysis/leak_components.h says what it is) over
// the process graph, without a copy of the graph among the leaks: the strong components
// (walker/analysis/strongly_connected.h) walk the graph's own out-edges, passing over those that
// leave the leaked set, and number the leaked allocations densely by the rank of a bit set.
// About 9 bytes a leak at the peak, where a copied subgraph (offsets, targets, an index over
// every node) cost twice that.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "walker/analysis/leak_components.h"
#include "walker/graph/heap_graph.h"
#include "walker/graph/ranked_bits.h"

namespace heapwalk::walker {

// The allocations (node n + 1 of the graph is allocation n) that no path from node 0 reaches
// through any edge, weak and conservative ones included; a bit each, ranked.
RankedBits unreached_allocations(const HeapGraph& graph);

struct LeakSetSplit {
  RankedBits direct;  // per allocation: set for a direct leak
  uint64_t direct_count = 0;
  uint64_t edges = 0, components = 0;  // edges among distinct leaks; strong components
  uint64_t peak_bytes = 0;             // the split's own arrays at their largest
};

// The split of `leaked` (a finished RankedBits over the graph's allocations): one member of each
// strongly connected component that no edge from another leaked component enters, its lowest
// address, is direct. nullopt when interrupted.
std::optional<LeakSetSplit> split_leak_set(const HeapGraph& graph, const RankedBits& leaked,
                                           const std::function<bool()>& interrupted = {});

// The same split for `leaked` as a list (allocations, ascending), as LeakSplit (per leaked
// allocation, in that order): what the tests hold against the memory-based split and oracles.
std::optional<LeakSplit> split_leaks(const HeapGraph& graph, const std::vector<NodeId>& leaked,
                                     const std::function<bool()>& interrupted = {});

}  // namespace heapwalk::walker
