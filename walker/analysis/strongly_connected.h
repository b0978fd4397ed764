// Strongly connected components, once for every graph the analyses split: Tarjan's algorithm
// with Pearce's single array for index and low-link, iterative, over a view of the caller's own
// arrays (no copy of the graph). 8 bytes a vertex and a bit at the peak, 4 a vertex after,
// whatever the depth.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

namespace heapwalk::walker {

// What strongly_connected_components reads of a graph. Vertices are numbered 0 … size() - 1
// (the index into the pass's arrays) and named by a Vertex (what the caller's edges are kept
// by: the number itself for a CSR graph, the process graph's node for a subset of it).
//   vertices()                 every vertex's name, in number order (the DFS roots' order)
//   first_edge(v), end_edge(v) v's out-edges, as positions for target()
//   target(e)                  the name of edge e's target
//   number(v)                  v's number, or kOutsideGraph: the edge leaves the graph, passed over
template <class G>
concept ComponentGraph = requires(const G& g, typename G::Vertex v, uint32_t e) {
  { g.size() } -> std::convertible_to<uint32_t>;
  { g.first_edge(v) } -> std::convertible_to<uint32_t>;
  { g.end_edge(v) } -> std::convertible_to<uint32_t>;
  { g.target(e) } -> std::convertible_to<typename G::Vertex>;
  { g.number(v) } -> std::convertible_to<uint32_t>;
  { *g.vertices().begin() } -> std::convertible_to<typename G::Vertex>;
};

inline constexpr uint32_t kOutsideGraph = std::numeric_limits<uint32_t>::max();

// Vertex i's component. Components are numbered in the order they are completed, which is a
// reverse topological order: an edge between two components goes to the lower number.
struct Components {
  std::vector<uint32_t> of;
  uint32_t count = 0;
  uint64_t edges = 0;  // edges followed within the graph, self-loops not counted
};

// The pass's own arrays at their largest for n vertices, in bytes (what callers meter).
constexpr uint64_t strongly_connected_peak_bytes(uint64_t n) { return n * 8 + (n + 63) / 64 * 8; }

// The components of `graph` (fewer than 2^31 vertices: callers check, naming what they split).
// Deterministic: roots are tried in number order, edges in position order. nullopt when
// `interrupted` says so (asked every 65,536 steps).
template <ComponentGraph G>
std::optional<Components> strongly_connected_components(
    const G& graph, const std::function<bool()>& interrupted = {}) {
  using Vertex = typename G::Vertex;
  constexpr uint32_t kUnvisited = std::numeric_limits<uint32_t>::max();
  constexpr uint32_t kPollEvery = 1u << 16;
  const uint32_t n = graph.size();
  // value[v]: unvisited; while v is active, its low-link (a DFS index < n); once its component
  // is complete, n + the component's number, above every low-link.
  std::vector<uint32_t> value(n, kUnvisited);
  // One array for two stacks (a vertex is on at most one, so together they never exceed n):
  // from the front, the DFS path as the cursor (edge position) of each vertex on it; the vertex
  // at depth d > 0 is the target of the cursor at depth d - 1, which stays on that edge until
  // the child is done. From the back, the visited vertices whose component is not complete yet.
  std::vector<uint32_t> stacks(n);
  // root[v]: no edge from v's subtree has lowered v's low-link below v's own index.
  std::vector<bool> root(n);

  Components result;
  uint32_t next_index = 0, count = 0;
  uint32_t depth = 0, held = n;  // stacks[0, depth): cursors; stacks[held, n): pending vertices
  uint32_t steps = 0;
  for (Vertex start : graph.vertices()) {
    uint32_t v = graph.number(start);
    if (value[v] != kUnvisited) continue;
    Vertex name = start;
    value[v] = next_index++;
    root[v] = true;
    stacks[depth++] = graph.first_edge(name);
    while (depth) {
      if (++steps == kPollEvery) {
        steps = 0;
        if (interrupted && interrupted()) return std::nullopt;
      }
      uint32_t& cursor = stacks[depth - 1];
      if (cursor < graph.end_edge(name)) {
        Vertex target = graph.target(cursor);
        uint32_t w = graph.number(target);
        if (w == kOutsideGraph || w == v) {  // leaves the graph, or a self-loop: changes nothing
          ++cursor;
          continue;
        }
        if (value[w] == kUnvisited) {  // descend; the cursor stays on this edge
          value[w] = next_index++;
          root[w] = true;
          stacks[depth++] = graph.first_edge(target);
          v = w;
          name = target;
          continue;
        }
        if (value[w] < value[v]) {  // w active: same component as v (done ones are ≥ n)
          value[v] = value[w];
          root[v] = false;
        }
        ++cursor;
        ++result.edges;
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
        name = depth == 1 ? start : graph.target(stacks[depth - 2]);
        v = graph.number(name);
      }
    }
  }
  std::vector<uint32_t>().swap(stacks);
  std::vector<bool>().swap(root);
  for (uint32_t& x : value) x -= n;
  result.of = std::move(value);
  result.count = count;
  return result;
}

}  // namespace heapwalk::walker
