// The heap graph of one stop: node 0 is the synthetic root, node n + 1 is allocation n of the
// AllocationTable (so nodes are sorted by address too); out-edges in CSR form, each with its
// provenance. Analyses (dominators, retained sizes, paths) read it and never walk memory.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace heapwalk::walker {

using GraphNode = uint32_t;
inline constexpr GraphNode kRootNode = 0;

// Where an edge comes from. Weak edges (weak_ptr, a control block's managed pointer) never keep
// anything alive; conservative ones are words that happen to point into an allocation.
enum class EdgeProvenance : uint8_t { kTyped, kWeak, kConservative };

// Which edges an analysis follows.
enum class EdgeFilter : uint8_t {
  kOwning,     // typed and conservative (the default: weak edges never count)
  kTypedOnly,  // typed alone (--typed-only: how much an answer rests on conservative guesses)
};

inline bool follows(EdgeFilter filter, EdgeProvenance p) {
  return p == EdgeProvenance::kTyped ||
         (p == EdgeProvenance::kConservative && filter == EdgeFilter::kOwning);
}

class HeapGraph {
 public:
  HeapGraph() = default;
  // first_edge has node_count + 1 entries; targets and provenance one per edge.
  HeapGraph(std::vector<uint32_t> first_edge, std::vector<GraphNode> targets,
            std::vector<EdgeProvenance> provenance, std::vector<uint64_t> sizes);

  size_t node_count() const { return sizes_.size(); }
  size_t edge_count() const { return targets_.size(); }
  // The allocation's usable size (0 for the root).
  uint64_t size(GraphNode n) const { return sizes_[n]; }

  std::span<const GraphNode> targets(GraphNode n) const {
    return {targets_.data() + first_edge_[n], targets_.data() + first_edge_[n + 1]};
  }
  std::span<const EdgeProvenance> provenance(GraphNode n) const {
    return {provenance_.data() + first_edge_[n], provenance_.data() + first_edge_[n + 1]};
  }

  // Bytes the graph itself holds.
  size_t memory_bytes() const;

 private:
  std::vector<uint32_t> first_edge_;
  std::vector<GraphNode> targets_;
  std::vector<EdgeProvenance> provenance_;
  std::vector<uint64_t> sizes_;
};

// Collects edges in any order, then sorts them into CSR (a counting sort: two passes).
class HeapGraphBuilder {
 public:
  // sizes[n]: node n's size; sizes[0] is the root's (0).
  explicit HeapGraphBuilder(std::vector<uint64_t> sizes) : sizes_(std::move(sizes)) {}
  void add_edge(GraphNode from, GraphNode to, EdgeProvenance provenance) {
    from_.push_back(from);
    to_.push_back(to);
    provenance_.push_back(provenance);
  }
  HeapGraph build() &&;

 private:
  std::vector<uint64_t> sizes_;
  std::vector<GraphNode> from_, to_;
  std::vector<EdgeProvenance> provenance_;
};

}  // namespace heapwalk::walker
