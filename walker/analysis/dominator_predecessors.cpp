#include "walker/analysis/dominator_predecessors.h"

#include "walker/analysis/huge_pages.h"

namespace heapwalk::walker::dominator_pass {

// Predecessors of every reached node, as preorder indices, in CSR form (first[i] .. first[i +
// 1] for index i), from the in-edge counts (turned into each node's cursor, in place). Two
// threads (when `threads` > 1), each placing the edges into one half of the nodes, both reading
// every node in address order (sequential reads of the graph: a heap's edges mostly stay near
// their source), so each list keeps its sources in address order either way. The slack left by
// unreached sources is filled with the node's DFS parent, a predecessor already counted.
void predecessors(const HeapGraph& graph, EdgeFilter filter, const std::vector<GraphNode>& order,
                  const std::vector<Index>& number, const std::vector<Index>& parent,
                  std::vector<uint32_t>& cursor, std::vector<uint32_t>& first,
                  std::vector<Index>& preds, int threads, StopCheck& check) {
  const size_t nodes = graph.node_count();
  const size_t n = order.size();
  reserve_huge(first, n + 1);
  first.assign(n + 1, 0);
  for (Index i = 0; i < n; ++i) {
    uint32_t count = cursor[order[i]];
    cursor[order[i]] = first[i];
    first[i + 1] = first[i] + count;
  }
  reserve_huge(preds, first[n]);
  preds.resize(first[n]);
  const GraphNode* targets = graph.all_targets().data();
  const EdgeProvenance* provenance = graph.all_provenance().data();
  // Places the edges into nodes [lo, hi).
  auto place = [&](GraphNode lo, GraphNode hi, const std::atomic<bool>* stop) {
    for (GraphNode u = 0; u < nodes; ++u) {
      const Index from = number[u];
      if (from == kNone) continue;
      if (stop) {
        if ((u & 0xffff) == 0 && *stop) return;
      } else {
        check();
      }
      const uint32_t end = graph.first_edge(u + 1);
      for (uint32_t e = graph.first_edge(u); e < end; ++e) {
        const GraphNode to = targets[e];
        if (to >= lo && to < hi && follows(filter, provenance[e])) preds[cursor[to]++] = from;
      }
    }
  };
  if (threads > 1 && nodes > 1) {
    const GraphNode half = static_cast<GraphNode>(nodes / 2);
    HelperThread upper(true, [&](const std::atomic<bool>& stop) {
      place(half, static_cast<GraphNode>(nodes), &stop);
    });
    place(0, half, nullptr);
    upper.join();
  } else {
    place(0, static_cast<GraphNode>(nodes), nullptr);
  }
  for (Index i = 0; i < n; ++i)
    for (uint32_t e = cursor[order[i]]; e < first[i + 1]; ++e) preds[e] = parent[i];
}

}  // namespace heapwalk::walker::dominator_pass
