// The dominator tree of a heap graph from its root, and retained sizes: what would be freed
// with an object (everything it dominates). Semi-NCA (Georgiadis; as in LLVM's
// GenericDomTreeConstruction) over uint32 arrays in DFS preorder: iterative, so a million-deep
// chain needs no recursion, and compact (about 32 bytes a reached node and 4 an edge while it
// runs). Its evaluations are interleaved so that their cache misses overlap, and a second
// thread counts and places the predecessors. The steps: dominator_dfs, dominator_predecessors,
// semidominators, dominator_sums (walker/analysis/dominators.cpp runs them). Boost.Graph's
// lengauer_tarjan_dominator_tree is its oracle in the tests only.
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

// Seconds of each phase, wall and the process's CPU (both threads), for the benchmark.
struct DominatorPhases {
  struct Time {
    double wall = 0, cpu = 0;
  };
  Time depth_first, predecessors, semidominators, idoms, retained;
};

// How the pass runs; the result is the same for every setting (the tests vary them).
struct DominatorTuning {
  int threads = 2;        // 1: everything on the calling thread
  uint32_t block = 32768;  // semidominators: nodes per block (see dominators.cpp)
  uint32_t slots = 16;     // evaluations interleaved (1..64)
  DominatorPhases* phases = nullptr;  // if set, filled in
};
DominatorTree dominator_tree(const HeapGraph& graph, EdgeFilter filter,
                             const std::function<bool()>& interrupted,
                             const DominatorTuning& tuning);
}  // namespace heapwalk::walker
