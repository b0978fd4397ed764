// A HeapGraph made by a test: nodes of chosen sizes (node 0 the root) and edges with their
// provenance, added in the order given (the order of each node's out-edges).
#pragma once

#include <cstdint>
#include <tuple>
#include <utility>
#include <vector>

#include "walker/graph/heap_graph.h"

namespace heapwalk::test {

using Edge = std::tuple<walker::GraphNode, walker::GraphNode, walker::EdgeProvenance>;

inline walker::HeapGraph make_graph(std::vector<uint64_t> sizes, const std::vector<Edge>& edges) {
  walker::HeapGraphBuilder builder(std::move(sizes));
  for (auto [from, to, p] : edges) builder.add_edge(from, to, p);
  return std::move(builder).build();
}

// `nodes` nodes of 8 bytes each, the root too: for analyses that do not read sizes.
inline walker::HeapGraph make_uniform_graph(size_t nodes, const std::vector<Edge>& edges) {
  return make_graph(std::vector<uint64_t>(nodes, 8), edges);
}

// The sizes of a root (none) and `allocations` allocations of `bytes` each.
inline std::vector<uint64_t> allocation_sizes(size_t allocations, uint64_t bytes) {
  std::vector<uint64_t> sizes(allocations + 1, bytes);
  sizes[0] = 0;
  return sizes;
}

}  // namespace heapwalk::test
