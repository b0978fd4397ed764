// Retained and reached sizes of sets of nodes (a row, a kind, what a variable's own pointers
// hold), by Heapy's two-traversal definition: what the root no longer reaches once the set (or
// some edges) is removed. For one node this equals the dominator tree's retained size
// (walker/analysis/dominators.h), which is how the tests check it.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "walker/graph/heap_graph.h"

namespace heapwalk::walker {

// What the root no longer reaches once every node of `set` is removed, the set included
// (Heapy's retained size of a set: two traversals; nothing is counted twice). For one node it
// equals DominatorTree::retained.
struct RetainedSet {
  uint64_t count = 0;
  uint64_t bytes = 0;
};
RetainedSet retained_by_set(const HeapGraph& graph, std::span<const GraphNode> set,
                            EdgeFilter filter = EdgeFilter::kOwning);

// What the root no longer reaches once the edges `cut(from, edge)` says are gone (a variable's
// own pointers, for `heap size EXPR`).
using EdgeCut = std::function<bool(GraphNode from, uint32_t edge)>;
RetainedSet retained_by_cut(const HeapGraph& graph, const EdgeCut& cut,
                            EdgeFilter filter = EdgeFilter::kOwning);
// Everything the edges `cut` selects reach, their targets included (a variable's deep size).
RetainedSet reached_through(const HeapGraph& graph, const EdgeCut& cut,
                            EdgeFilter filter = EdgeFilter::kOwning);
// The same set, node by node (heap size's breakdown by kind).
std::vector<bool> reached_set(const HeapGraph& graph, const EdgeCut& cut,
                              EdgeFilter filter = EdgeFilter::kOwning);

}  // namespace heapwalk::walker
