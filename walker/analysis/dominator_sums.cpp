#include "walker/analysis/dominator_sums.h"

#include "walker/analysis/huge_pages.h"

namespace heapwalk::walker::dominator_pass {

// Sums by preorder index (children come after their dominator: one sweep from the last adds
// each to its dominator), then one pass in preorder scatters both the sum and the dominator's
// node to each node (reading the preorder, the idoms and the sums in sequence; only the writes
// and the dominator's node are far). Gathering the sizes and the scatter are independent per
// node: two threads.
void retained_sums(const HeapGraph& graph, const std::vector<GraphNode>& order,
                   const std::vector<Index>& idom, std::vector<Index>& number,
                   std::vector<uint64_t>& retained, bool two) {
  constexpr size_t kAhead = 16;
  const Index n = static_cast<Index>(order.size());
  std::vector<uint64_t> sums;
  reserve_huge(sums, n);
  sums.resize(n);
  in_halves(two, n, [&](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; ++i) {
      if (i + kAhead < hi) graph.prefetch_size(order[i + kAhead]);
      sums[i] = graph.size(order[i]);
    }
  });
  for (Index w = n - 1; w >= 1; --w) sums[idom[w]] += sums[w];
  reserve_huge(retained, graph.node_count());
  retained.assign(graph.node_count(), 0);
  uint64_t* out = retained.data();
  Index* dominator = number.data();
  // The root's idom is itself (index 0, node 0).
  in_halves(two, n, [&](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; ++i) {
      if (i + kAhead < hi) {
        const GraphNode ahead = order[i + kAhead];
        __builtin_prefetch(&out[ahead], 1);
        __builtin_prefetch(&dominator[ahead], 1);
        __builtin_prefetch(&order[idom[i + kAhead]]);
      }
      const GraphNode v = order[i];
      out[v] = sums[i];
      dominator[v] = order[idom[i]];
    }
  });
}

}  // namespace heapwalk::walker::dominator_pass
