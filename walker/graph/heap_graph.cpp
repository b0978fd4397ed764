#include "walker/graph/heap_graph.h"

#include <stdexcept>

namespace heapwalk::walker {

HeapGraph::HeapGraph(std::vector<uint32_t> first_edge, std::vector<GraphNode> targets,
                     std::vector<EdgeProvenance> provenance, std::vector<uint32_t> where,
                     std::vector<uint64_t> sizes, const AllocationTable* table)
    : first_edge_(std::move(first_edge)),
      targets_(std::move(targets)),
      provenance_(std::move(provenance)),
      where_(std::move(where)),
      sizes_(std::move(sizes)),
      table_(table) {
  const size_t nodes = table_ ? table_->size() + 1 : sizes_.size();
  if ((table_ && !sizes_.empty()) || first_edge_.size() != nodes + 1 ||
      targets_.size() != provenance_.size() || targets_.size() != where_.size() ||
      first_edge_.back() != targets_.size())
    throw std::invalid_argument("HeapGraph: inconsistent CSR arrays");
}

size_t HeapGraph::memory_bytes() const {
  return first_edge_.capacity() * sizeof(uint32_t) + targets_.capacity() * sizeof(GraphNode) +
         provenance_.capacity() * sizeof(EdgeProvenance) + where_.capacity() * sizeof(uint32_t) +
         sizes_.capacity() * sizeof(uint64_t);
}

void HeapGraphBuilder::grow() {
  if (count_ >= UINT32_MAX) throw std::length_error("HeapGraph: more than 4 G edges");
  // Not value-initialized: every slot is written before it is read.
  from_.emplace_back(new GraphNode[kBlock]);
  to_.emplace_back(new GraphNode[kBlock]);
  provenance_.emplace_back(new EdgeProvenance[kBlock]);
  where_.emplace_back(new uint32_t[kBlock]);
}

namespace {

// Scatters one field of the waiting edges to its CSR position (`position`, by edge), freeing
// the field's blocks as it goes.
template <class T, class Blocks, class Positions>
std::vector<T> place(Blocks& blocks, const Positions& position, size_t edges, size_t block) {
  std::vector<T> out(edges);
  for (size_t b = 0; b < blocks.size(); ++b) {
    const size_t n = std::min(block, edges - b * block);
    const T* in = blocks[b].get();
    const GraphNode* at = position[b].get();
    for (size_t i = 0; i < n; ++i) out[at[i]] = in[i];
    blocks[b].reset();
  }
  std::remove_reference_t<Blocks>().swap(blocks);
  return out;
}

}  // namespace

HeapGraph HeapGraphBuilder::build() && {
  const size_t nodes = nodes_, edges = count_;
  // Row starts: count each source's edges, then sum.
  std::vector<uint32_t> first(nodes + 1, 0);
  for (size_t b = 0; b < from_.size(); ++b) {
    const size_t n = std::min(kBlock, edges - b * kBlock);
    const GraphNode* from = from_[b].get();
    const GraphNode* to = to_[b].get();
    for (size_t i = 0; i < n; ++i) {
      if (from[i] >= nodes) throw std::out_of_range("HeapGraph: edge from a node that does not exist");
      if (to[i] >= nodes) throw std::out_of_range("HeapGraph: edge to a node that does not exist");
      ++first[from[i] + 1];
    }
  }
  for (size_t n = 0; n < nodes; ++n) first[n + 1] += first[n];
  // Each edge's position, in place of its source: first[f] serves as f's cursor (afterwards
  // it holds f + 1's start, and is shifted back), so no copy of it is needed.
  for (size_t b = 0; b < from_.size(); ++b) {
    const size_t n = std::min(kBlock, edges - b * kBlock);
    GraphNode* from = from_[b].get();
    for (size_t i = 0; i < n; ++i) from[i] = first[from[i]]++;
  }
  for (size_t n = nodes; n-- > 1;) first[n] = first[n - 1];
  if (nodes) first[0] = 0;
  // One field at a time, each freed once placed.
  std::vector<GraphNode> targets = place<GraphNode>(to_, from_, edges, kBlock);
  std::vector<EdgeProvenance> provenance = place<EdgeProvenance>(provenance_, from_, edges, kBlock);
  std::vector<uint32_t> where = place<uint32_t>(where_, from_, edges, kBlock);
  Blocks<GraphNode>().swap(from_);
  count_ = 0;
  return HeapGraph(std::move(first), std::move(targets), std::move(provenance), std::move(where),
                   std::move(sizes_), table_);
}

}  // namespace heapwalk::walker
