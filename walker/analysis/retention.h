// What keeps the heap alive: the dominator tree and retained sizes of the process graph, and
// shortest paths from the roots. Each is computed once per stop (and edge filter) and kept in
// the Session.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "walker/analysis/dominators.h"
#include "walker/analysis/process_graph.h"

namespace heapwalk::walker {

// A shortest path from the roots to every reached node, preferring typed edges: first every
// node typed edges reach (breadth first), then the rest, through conservative edges too. Weak
// edges are never used.
struct ShortestPaths {
  static constexpr uint32_t kNoEdge = UINT32_MAX;
  std::vector<GraphNode> parent;    // per node; the root's is the root
  std::vector<uint32_t> via;        // per node: the edge index from its parent; kNoEdge: none
  bool reached(GraphNode n) const { return n == kRootNode || via[n] != kNoEdge; }
  // The edges from the root to `n`, first edge first (empty for the root or the unreached).
  std::vector<uint32_t> edges_to(GraphNode n) const;
};

// Throws Interrupted when `interrupted` says stop.
ShortestPaths shortest_paths(const HeapGraph& graph, EdgeFilter filter = EdgeFilter::kOwning,
                             const std::function<bool()>& interrupted = {});

// The session's dominator tree / shortest paths for this filter, computed on first use.
// nullptr when the graph could not be built (interrupted).
std::shared_ptr<const DominatorTree> dominators_of(Session& session, EdgeFilter filter,
                                                   const std::function<bool()>& interrupted = {});
std::shared_ptr<const ShortestPaths> paths_of(Session& session, EdgeFilter filter,
                                              const std::function<bool()>& interrupted = {});

// The nodes with the largest retained sizes, largest first (the root excluded).
std::vector<GraphNode> top_retained(const DominatorTree& tree, size_t count);

}  // namespace heapwalk::walker
