// Shortest paths from the roots of a heap graph (what `heap shpaths` and the rows' paths read):
// one breadth-first search per stop and edge filter, then a walk up from each object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "walker/graph/heap_graph.h"

namespace heapwalk::walker {

// A shortest path from the roots to every reached node, preferring typed edges: first every
// node typed edges reach (breadth first), then the rest, through conservative edges too. Weak
// edges are never used. Of a node's shortest paths, the one whose last edge the breadth-first
// search meets first (a level's nodes in the order they were reached, each node's edges in
// order): the same however many threads search.
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

// How the search shares its work: each level long enough is split between the calling thread
// and a second one.
struct SearchThreads {
  unsigned count = 0;            // 1 or 2; 0: 2 where the machine has two cores
  size_t split_from = 1u << 13;  // shorter levels are searched by the calling thread alone
};

// Throws Interrupted when `interrupted` says stop (only the calling thread asks it; the second
// thread is told to stop and joined).
ShortestPaths shortest_paths(const HeapGraph& graph, EdgeFilter filter = EdgeFilter::kOwning,
                             const std::function<bool()>& interrupted = {},
                             SearchThreads threads = {});

// The `count` reached nodes of `nodes` with the shortest paths, shortest first (equal lengths
// by node): a partial selection by depth, no path built. `unreached`: how many of `nodes` no
// path reaches; `reached`: how many it does.
struct ShortestFirst {
  std::vector<GraphNode> nodes;
  size_t reached = 0, unreached = 0;
};
ShortestFirst shortest_first(const ShortestPaths& paths, const std::vector<GraphNode>& nodes,
                             size_t count);

}  // namespace heapwalk::walker
