// The dominator pass's last step: retained sizes, and the tree turned from preorder indices back
// into nodes (walker/analysis/dominator_sums.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "walker/analysis/dominator_pass.h"
#include "walker/graph/heap_graph.h"

namespace heapwalk::walker::dominator_pass {

// From idom by preorder index (`order`: the node of each index): retained[v], v's size plus
// what the nodes it dominates retain (0 where unreached), and number[v] turned from v's
// preorder index into its immediate dominator's node (kNone stays: unreached). Two threads
// when `two`.
void retained_sums(const HeapGraph& graph, const std::vector<GraphNode>& order,
                   const std::vector<Index>& idom, std::vector<Index>& number,
                   std::vector<uint64_t>& retained, bool two);

}  // namespace heapwalk::walker::dominator_pass
