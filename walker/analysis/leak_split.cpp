#include "walker/analysis/leak_split.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <stdexcept>

namespace heapwalk::walker {
namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
constexpr uint32_t kPollEvery = 1u << 16;  // DFS steps between asking whether to stop

// Dense numbers of the leaked allocations: graph node → its rank in the leaked set.
struct LeakIndex {
  const RankedBits& leaked;
  uint32_t operator()(GraphNode t) const {
    if (t == kRootNode || !leaked.test(t - 1)) return kNone;
    return leaked.rank(t - 1);
  }
};

// Tarjan's algorithm with Pearce's single array for index and low-link, iterative (as
// leak_components.cpp's strong_components, over the graph's edges among leaks): value[i] is the
// component of leak i, numbered in completion order. nullopt when interrupted.
std::optional<std::vector<uint32_t>> leak_components(const HeapGraph& graph,
                                                     const RankedBits& leaked, uint32_t& count,
                                                     uint64_t& edges, uint64_t& peak,
                                                     const std::function<bool()>& interrupted) {
  const uint32_t n = static_cast<uint32_t>(leaked.count());
  const LeakIndex index_of{leaked};
  // value[i]: unvisited; while i is active, its low-link (a DFS index < n); once its component
  // is complete, n + the component's number.
  std::vector<uint32_t> value(n, kNone);
  // From the front, the DFS path as each node's cursor (a graph edge index); from the back, the
  // visited leaks whose component is not complete yet. A leak is on at most one.
  std::vector<uint32_t> stacks(n);
  std::vector<bool> root(n);  // no edge from i's subtree lowered its low-link below its index
  peak = std::max<uint64_t>(peak, uint64_t{n} * 8 + (uint64_t{n} + 63) / 64 * 8);

  uint32_t next_index = 0, depth = 0, held = n, steps = 0;
  count = 0;
  for (size_t a = leaked.next(0); a < leaked.size(); a = leaked.next(a + 1)) {
    const uint32_t start = leaked.rank(a);
    if (value[start] != kNone) continue;
    GraphNode node = static_cast<GraphNode>(a + 1);
    uint32_t v = start;
    value[v] = next_index++;
    root[v] = true;
    stacks[depth++] = graph.first_edge(node);
    while (depth) {
      if (++steps == kPollEvery) {
        steps = 0;
        if (interrupted && interrupted()) return std::nullopt;
      }
      uint32_t& cursor = stacks[depth - 1];
      if (cursor < graph.first_edge(node + 1)) {
        GraphNode target = graph.target_of(cursor);
        uint32_t w = index_of(target);
        if (w == kNone || w == v) {  // leaves the leaked set, or a self-loop: no component edge
          ++cursor;
          continue;
        }
        if (value[w] == kNone) {  // descend; the cursor stays on this edge
          value[w] = next_index++;
          root[w] = true;
          stacks[depth++] = graph.first_edge(target);
          v = w;
          node = target;
          continue;
        }
        if (value[w] < value[v]) {  // w active: same component as v (done ones are ≥ n)
          value[v] = value[w];
          root[v] = false;
        }
        ++cursor;
        ++edges;
        continue;
      }
      // v is done: it closes its component, or waits for an ancestor to close it.
      --depth;
      if (root[v]) {
        uint32_t low = value[v];
        value[v] = n + count;
        while (held < n && value[stacks[held]] >= low) value[stacks[held++]] = n + count;
        ++count;
      } else {
        stacks[--held] = v;
      }
      if (depth) {
        node = depth == 1 ? static_cast<GraphNode>(a + 1) : graph.target_of(stacks[depth - 2]);
        v = index_of(node);
      }
    }
  }
  std::vector<uint32_t>().swap(stacks);
  std::vector<bool>().swap(root);
  for (uint32_t& x : value) x -= n;
  return value;
}

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
  uint32_t count = 0;
  auto component = leak_components(graph, leaked, count, split.edges, split.peak_bytes, interrupted);
  if (!component) return std::nullopt;
  split.components = count;
  // Per component: 1 once an edge from another component enters it, 2 once its direct member
  // is chosen.
  std::vector<uint8_t> state(count, 0);
  split.direct = RankedBits(leaked.size());
  split.peak_bytes = std::max<uint64_t>(
      split.peak_bytes, component->size() * 4 + state.size() + split.direct.memory_bytes());
  const LeakIndex index_of{leaked};
  uint32_t i = 0;
  for (size_t a = leaked.next(0); a < leaked.size(); a = leaked.next(a + 1), ++i)
    for (GraphNode t : graph.targets(static_cast<GraphNode>(a + 1))) {
      uint32_t w = index_of(t);
      if (w != kNone && (*component)[w] != (*component)[i]) state[(*component)[w]] = 1;
    }
  i = 0;
  for (size_t a = leaked.next(0); a < leaked.size(); a = leaked.next(a + 1), ++i) {
    uint8_t& s = state[(*component)[i]];  // in address order: the lowest member is direct
    if (s == 0) {
      split.direct.set(a);
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
