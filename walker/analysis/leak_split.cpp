#include "walker/analysis/leak_split.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "walker/analysis/strongly_connected.h"

namespace heapwalk::walker {
namespace {

// The leaked allocations as strongly_connected_components reads them: vertex i is the i-th
// leak by address (its rank in the leaked set), named by its graph node; the graph's own
// out-edges, of which those to nodes that did not leak leave the graph.
class LeakedSubgraph {
 public:
  using Vertex = GraphNode;

  // The leaked allocations' nodes, ascending.
  class Nodes {
   public:
    struct iterator {
      const RankedBits* leaked;
      size_t allocation;
      GraphNode operator*() const { return static_cast<GraphNode>(allocation + 1); }
      iterator& operator++() {
        allocation = leaked->next(allocation + 1);
        return *this;
      }
      bool operator==(const iterator& other) const { return allocation == other.allocation; }
    };
    explicit Nodes(const RankedBits& leaked) : leaked_(leaked) {}
    iterator begin() const { return {&leaked_, leaked_.next(0)}; }
    iterator end() const { return {&leaked_, leaked_.size()}; }

   private:
    const RankedBits& leaked_;
  };

  LeakedSubgraph(const HeapGraph& graph, const RankedBits& leaked)
      : graph_(graph), leaked_(leaked) {}
  uint32_t size() const { return static_cast<uint32_t>(leaked_.count()); }
  Nodes vertices() const { return Nodes(leaked_); }
  uint32_t first_edge(GraphNode node) const { return graph_.first_edge(node); }
  uint32_t end_edge(GraphNode node) const { return graph_.first_edge(node + 1); }
  GraphNode target(uint32_t edge) const { return graph_.target_of(edge); }
  uint32_t number(GraphNode node) const {
    if (node == kRootNode || !leaked_.test(node - 1)) return kOutsideGraph;
    return leaked_.rank(node - 1);
  }

 private:
  const HeapGraph& graph_;
  const RankedBits& leaked_;
};

}  // namespace

RankedBits unreached_allocations(const HeapGraph& graph) {
  const size_t nodes = graph.node_count();
  std::vector<uint8_t> seen(nodes, 0);
  std::vector<GraphNode> stack;
  if (nodes) {
    seen[kRootNode] = 1;
    stack.push_back(kRootNode);
  }
  while (!stack.empty()) {
    GraphNode n = stack.back();
    stack.pop_back();
    for (GraphNode t : graph.targets(n))
      if (!seen[t]) {
        seen[t] = 1;
        stack.push_back(t);
      }
  }
  RankedBits unreached(nodes ? nodes - 1 : 0);
  for (GraphNode n = 1; n < nodes; ++n)
    if (!seen[n]) unreached.set(n - 1);
  unreached.finish();
  return unreached;
}

std::optional<LeakSetSplit> split_leak_set(const HeapGraph& graph, const RankedBits& leaked,
                                           const std::function<bool()>& interrupted) {
  if (leaked.count() >= (uint64_t{1} << 31))
    throw std::runtime_error("too many leaked allocations for the leak split (2^31 or more)");
  LeakSetSplit split;
  if (leaked.count() && interrupted && interrupted()) return std::nullopt;
  const LeakedSubgraph subgraph(graph, leaked);
  split.peak_bytes = strongly_connected_peak_bytes(leaked.count());
  auto components = strongly_connected_components(subgraph, interrupted);
  if (!components) return std::nullopt;
  const uint32_t count = components->count;
  const std::vector<uint32_t>& component = components->of;
  split.edges = components->edges;
  split.components = count;
  // Per component: 1 once an edge from another component enters it, 2 once its direct member
  // is chosen.
  std::vector<uint8_t> state(count, 0);
  split.direct = RankedBits(leaked.size());
  split.peak_bytes = std::max<uint64_t>(
      split.peak_bytes, component.size() * 4 + state.size() + split.direct.memory_bytes());
  uint32_t i = 0;
  for (GraphNode node : subgraph.vertices()) {
    for (GraphNode t : graph.targets(node)) {
      uint32_t w = subgraph.number(t);
      if (w != kOutsideGraph && component[w] != component[i]) state[component[w]] = 1;
    }
    ++i;
  }
  i = 0;
  for (GraphNode node : subgraph.vertices()) {
    uint8_t& s = state[component[i++]];  // in address order: the lowest member is direct
    if (s == 0) {
      split.direct.set(node - 1);
      s = 2;
      ++split.direct_count;
    }
  }
  return split;
}

std::optional<LeakSplit> split_leaks(const HeapGraph& graph, const std::vector<NodeId>& leaked,
                                     const std::function<bool()>& interrupted) {
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  RankedBits set(graph.node_count() ? graph.node_count() - 1 : 0);
  for (NodeId n : leaked) set.set(n);
  set.finish();
  auto bits = split_leak_set(graph, set, interrupted);
  if (!bits) return std::nullopt;
  LeakSplit split;
  split.direct.reserve(leaked.size());
  for (NodeId n : leaked) split.direct.push_back(bits->direct.test(n) ? 1 : 0);
  split.direct_count = bits->direct_count;
  split.edges = bits->edges;
  split.components = bits->components;
  split.peak_bytes = bits->peak_bytes + set.memory_bytes();
  split.components_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return split;
}

}  // namespace heapwalk::walker
