// The dominator tree of a heap graph from its root, and retained sizes: what would be freed
// with an object (everything it dominates). Semi-NCA (Georgiadis; as in LLVM's
// GenericDomTreeConstruction) over uint32 arrays in DFS preorder: iterative, so a million-deep
// chain needs no recursion, and compact (about 28 bytes a reached node and 4 an edge while it
// runs). Boost.Graph's lengauer_tarjan_dominator_tree is its oracle in the tests only.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <span>
#include <vector>

#include "walker/graph/heap_graph.h"
#include "walker/progress.h"

namespace heapwalk::walker {

struct DominatorTree {
  static constexpr GraphNode kUnreached = UINT32_MAX;

  // Per node: its immediate dominator; the root's is the root; kUnreached where the root does
  // not reach the node through the edges followed.
  std::vector<GraphNode> idom;
  // The reached nodes in DFS preorder, the root first: every node comes after its dominator.
  std::vector<GraphNode> preorder;
  // Per node: its size plus its dominator-tree children's retained sizes (0 where unreached).
  std::vector<uint64_t> retained;

  bool reached(GraphNode n) const { return idom[n] != kUnreached; }
};

// Interrupted (walker/progress.h) is thrown out of the passes below when `interrupted` says
// stop (checked every Mi steps).

// Weak edges are never followed; conservative ones as `filter` says.
DominatorTree dominator_tree(const HeapGraph& graph, EdgeFilter filter = EdgeFilter::kOwning,
                             const std::function<bool()>& interrupted = {});

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
