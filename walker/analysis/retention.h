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
  // A node's place on its path. The search writes both fields of a node at once, in random
  // order: side by side they cost one cache miss, not two. The parent is the edge's source.
  struct Step {
    uint32_t via = kNoEdge;  // the edge index from its parent; kNoEdge: none
    uint32_t depth = 0;      // the edges on its path (0: the root, the unreached)
  };
  std::vector<Step> steps;  // per node
  bool reached(GraphNode n) const { return n == kRootNode || steps[n].via != kNoEdge; }
  uint32_t via(GraphNode n) const { return steps[n].via; }
  uint32_t depth(GraphNode n) const { return steps[n].depth; }
  // The node before `n` on its path (the root for the root and the unreached).
  GraphNode parent(const HeapGraph& graph, GraphNode n) const;
  // The edges from the root to `n`, first edge first (empty for the root or the unreached).
  std::vector<uint32_t> edges_to(const HeapGraph& graph, GraphNode n) const;
};

// Throws Interrupted when `interrupted` says stop.
ShortestPaths shortest_paths(const HeapGraph& graph, EdgeFilter filter = EdgeFilter::kOwning,
                             const std::function<bool()>& interrupted = {});

// The `count` reached nodes of `nodes` with the shortest paths, shortest first (equal lengths
// by node): a partial selection by depth, no path built. `unreached`: how many of `nodes` no
// path reaches; `reached`: how many it does.
struct ShortestFirst {
  std::vector<GraphNode> nodes;
  size_t reached = 0, unreached = 0;
};
ShortestFirst shortest_first(const ShortestPaths& paths, const std::vector<GraphNode>& nodes,
                             size_t count);

// The session's dominator tree / shortest paths for this filter, computed on first use.
// nullptr when the graph could not be built (interrupted).
std::shared_ptr<const DominatorTree> dominators_of(Session& session, EdgeFilter filter,
                                                   const std::function<bool()>& interrupted = {});
std::shared_ptr<const ShortestPaths> paths_of(Session& session, EdgeFilter filter,
                                              const std::function<bool()>& interrupted = {});

// The nodes with the largest retained sizes, largest first (the root excluded).
std::vector<GraphNode> top_retained(const DominatorTree& tree, size_t count);

}  // namespace heapwalk::walker
