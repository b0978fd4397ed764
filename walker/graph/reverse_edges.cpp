#include "walker/graph/reverse_edges.h"

#include <stdexcept>

namespace heapwalk::walker {

ReverseEdges::ReverseEdges(const HeapGraph& graph) {
  const size_t nodes = graph.node_count();
  const size_t m = graph.edge_count();
  first_.assign(nodes + 1, 0);
  for (size_t e = 0; e < m; ++e) ++first_[graph.target_of(static_cast<uint32_t>(e)) + 1];
  for (size_t n = 0; n < nodes; ++n) first_[n + 1] += first_[n];
  edges_.resize(m);
  sources_.resize(m);
  std::vector<uint32_t> cursor(first_.begin(), first_.end() - 1);
  // In source order, then edge order: every node's in-edges come out ascending.
  for (GraphNode from = 0; from < nodes; ++from) {
    for (uint32_t e = graph.first_edge(from); e < graph.first_edge(from + 1); ++e) {
      uint32_t at = cursor[graph.target_of(e)]++;
      edges_[at] = e;
      sources_[at] = from;
    }
  }
}

size_t ReverseEdges::memory_bytes() const {
  return first_.capacity() * sizeof(uint32_t) + edges_.capacity() * sizeof(uint32_t) +
         sources_.capacity() * sizeof(GraphNode);
}

const ReverseEdges& HeapGraph::in_edges() const {
  if (!in_edges_) throw std::logic_error("HeapGraph::in_edges of a moved-from graph");
  std::call_once(in_edges_->once,
                 [&] { in_edges_->edges = std::make_shared<const ReverseEdges>(*this); });
  return *in_edges_->edges;
}

}  // namespace heapwalk::walker
