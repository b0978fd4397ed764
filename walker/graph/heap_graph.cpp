#include "walker/graph/heap_graph.h"

#include <stdexcept>

namespace heapwalk::walker {

HeapGraph::HeapGraph(std::vector<uint32_t> first_edge, std::vector<GraphNode> targets,
                     std::vector<EdgeProvenance> provenance, std::vector<uint32_t> where,
                     std::vector<uint64_t> sizes)
    : first_edge_(std::move(first_edge)),
      targets_(std::move(targets)),
      provenance_(std::move(provenance)),
      where_(std::move(where)),
      sizes_(std::move(sizes)) {
  if (first_edge_.size() != sizes_.size() + 1 || targets_.size() != provenance_.size() ||
      targets_.size() != where_.size() || first_edge_.back() != targets_.size())
    throw std::invalid_argument("HeapGraph: inconsistent CSR arrays");
}

size_t HeapGraph::memory_bytes() const {
  return first_edge_.capacity() * sizeof(uint32_t) + targets_.capacity() * sizeof(GraphNode) +
         provenance_.capacity() * sizeof(EdgeProvenance) + where_.capacity() * sizeof(uint32_t) +
         sizes_.capacity() * sizeof(uint64_t);
}

HeapGraph HeapGraphBuilder::build() && {
  const size_t nodes = sizes_.size();
  if (from_.size() >= UINT32_MAX) throw std::length_error("HeapGraph: more than 4 G edges");
  std::vector<uint32_t> first(nodes + 1, 0);
  for (GraphNode f : from_) {
    if (f >= nodes) throw std::out_of_range("HeapGraph: edge from a node that does not exist");
    ++first[f + 1];
  }
  for (size_t n = 0; n < nodes; ++n) first[n + 1] += first[n];
  std::vector<GraphNode> targets(from_.size());
  std::vector<EdgeProvenance> provenance(from_.size());
  std::vector<uint32_t> where(from_.size());
  std::vector<uint32_t> cursor(first.begin(), first.end() - 1);
  for (size_t e = 0; e < from_.size(); ++e) {
    if (to_[e] >= nodes) throw std::out_of_range("HeapGraph: edge to a node that does not exist");
    uint32_t at = cursor[from_[e]]++;
    targets[at] = to_[e];
    provenance[at] = provenance_[e];
    where[at] = where_[e];
  }
  from_ = {};
  to_ = {};
  provenance_ = {};
  where_ = {};
  return HeapGraph(std::move(first), std::move(targets), std::move(provenance), std::move(where),
                   std::move(sizes_));
}

}  // namespace heapwalk::walker
