// The dominator pass's first step: the depth-first numbering of what the root reaches, and the
// in-edge counts taken beside it (walker/analysis/dominator_dfs.cpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "walker/analysis/dominator_pass.h"
#include "walker/graph/heap_graph.h"

namespace heapwalk::walker::dominator_pass {

// order[i]: the node numbered i in DFS preorder (the root is 0); parent[i]: the index of its DFS
// parent (the root's is 0). Weak edges are never followed; conservative ones as `filter` says.
void depth_first(const HeapGraph& graph, EdgeFilter filter, std::vector<GraphNode>& order,
                 std::vector<Index>& parent, StopCheck& check);

// in_count[v]: the followed edges into v, from any node. Returns early when `stop` is set.
void count_in_edges(const HeapGraph& graph, EdgeFilter filter, std::vector<uint32_t>& in_count,
                    const std::atomic<bool>& stop);

}  // namespace heapwalk::walker::dominator_pass
