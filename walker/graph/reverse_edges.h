// The in-edges of a heap graph: per node, the edges that point at it, as edge indices of the
// graph (so provenance_of, where_of and edge labels stay available) with their sources. A CSR
// built from the out-edges in two passes (count, then place), edges ascending by index within a
// node, so in the order a scan of every edge would meet them. 4 bytes a node and 8 an edge.
// HeapGraph::in_edges() builds it once, on first need, and keeps it with the graph.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "walker/graph/heap_graph.h"

namespace heapwalk::walker {

class ReverseEdges {
 public:
  ReverseEdges() = default;
  explicit ReverseEdges(const HeapGraph& graph);

  size_t node_count() const { return first_.empty() ? 0 : first_.size() - 1; }
  size_t edge_count() const { return edges_.size(); }
  // The indices of the edges into `n`, ascending (graph.target_of(e) == n for each).
  std::span<const uint32_t> edges(GraphNode n) const {
    return {edges_.data() + first_[n], edges_.data() + first_[n + 1]};
  }
  // The node each of those edges starts at, one per edge of edges(n) (ascending too).
  std::span<const GraphNode> sources(GraphNode n) const {
    return {sources_.data() + first_[n], sources_.data() + first_[n + 1]};
  }
  size_t memory_bytes() const;

 private:
  std::vector<uint32_t> first_;     // node_count + 1 entries
  std::vector<uint32_t> edges_;     // edge indices, grouped by target
  std::vector<GraphNode> sources_;  // per entry of edges_
};

}  // namespace heapwalk::walker
