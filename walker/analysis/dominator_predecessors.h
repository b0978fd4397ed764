// The dominator pass's second step: every reached node's predecessors, as preorder indices
// (walker/analysis/dominator_predecessors.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "walker/analysis/dominator_pass.h"
#include "walker/graph/heap_graph.h"

namespace heapwalk::walker::dominator_pass {

// preds[first[i] .. first[i + 1]): the predecessors of the node numbered i, each counted once
// per followed edge; `number` maps nodes to indices (kNone: unreached); `in_count` (from
// count_in_edges) is used up as each node's cursor.
void predecessors(const HeapGraph& graph, EdgeFilter filter, const std::vector<GraphNode>& order,
                  const std::vector<Index>& number, const std::vector<Index>& parent,
                  std::vector<uint32_t>& in_count, std::vector<uint32_t>& first,
                  std::vector<Index>& preds, int threads, StopCheck& check);

}  // namespace heapwalk::walker::dominator_pass
