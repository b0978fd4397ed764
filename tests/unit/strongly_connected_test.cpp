// strongly_connected_components (walker/analysis/strongly_connected.h) through a view that
// numbers only some nodes of a larger graph, as the leak split's view of the process graph
// does: against Boost.Graph's strong_components on the induced subgraph, with the edge count,
// the completion order and interruption. (tests/unit/leak_components_test.cpp covers the CSR
// view of the same template.)
#include <catch2/catch.hpp>

#include <random>
#include <utility>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>

#include "component_labels.h"
#include "walker/analysis/strongly_connected.h"

using heapwalk::test::canonical;
using heapwalk::walker::kOutsideGraph;
using heapwalk::walker::strongly_connected_components;
using Edges = std::vector<std::pair<uint32_t, uint32_t>>;

namespace {

// The nodes of a CSR graph for which `inside` is set, numbered in node order; the others are
// outside. Vertices are named by their node, as the process graph names leaks.
struct SubsetGraph {
  using Vertex = uint32_t;
  std::vector<uint32_t> offsets{0}, targets, number_of;
  std::vector<uint32_t> members;  // the inside nodes, ascending

  SubsetGraph(uint32_t nodes, const Edges& edges, const std::vector<bool>& inside) {
    offsets.assign(nodes + 1, 0);
    for (auto [from, to] : edges) ++offsets[from + 1];
    for (uint32_t v = 0; v < nodes; ++v) offsets[v + 1] += offsets[v];
    targets.resize(edges.size());
    std::vector<uint32_t> at(offsets.begin(), offsets.end() - 1);
    for (auto [from, to] : edges) targets[at[from]++] = to;
    number_of.assign(nodes, kOutsideGraph);
    for (uint32_t v = 0; v < nodes; ++v)
      if (inside[v]) {
        number_of[v] = static_cast<uint32_t>(members.size());
        members.push_back(v);
      }
  }

  uint32_t size() const { return static_cast<uint32_t>(members.size()); }
  const std::vector<uint32_t>& vertices() const { return members; }
  uint32_t first_edge(uint32_t v) const { return offsets[v]; }
  uint32_t end_edge(uint32_t v) const { return offsets[v + 1]; }
  uint32_t target(uint32_t edge) const { return targets[edge]; }
  uint32_t number(uint32_t v) const { return number_of[v]; }
};

void check_against_boost(uint32_t nodes, const Edges& edges, const std::vector<bool>& inside) {
  SubsetGraph graph(nodes, edges, inside);
  auto mine = strongly_connected_components(graph);
  REQUIRE(mine);
  const uint32_t n = graph.size();
  REQUIRE(mine->of.size() == n);
  // The induced subgraph, in the view's numbers.
  boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS> induced(n);
  uint64_t between = 0;  // its edges but self-loops
  for (auto [from, to] : edges) {
    uint32_t a = graph.number(from), b = graph.number(to);
    if (a == kOutsideGraph || b == kOutsideGraph) continue;
    boost::add_edge(a, b, induced);
    between += a != b;
  }
  std::vector<int> theirs(n);
  int count = n ? boost::strong_components(induced, theirs.data()) : 0;
  CHECK(mine->count == static_cast<uint32_t>(count));
  for (uint32_t c : mine->of) REQUIRE(c < mine->count);
  CHECK(canonical(mine->of, mine->count) == canonical(theirs, count));
  CHECK(mine->edges == between);
  // Completion order is reverse topological: an edge between components goes to the lower.
  for (auto [from, to] : edges) {
    uint32_t a = graph.number(from), b = graph.number(to);
    if (a == kOutsideGraph || b == kOutsideGraph || mine->of[a] == mine->of[b]) continue;
    REQUIRE(mine->of[b] < mine->of[a]);
  }
}

}  // namespace

TEST_CASE("strongly connected components of a subset equal Boost's on the induced subgraph",
          "[strongly-connected]") {
  std::mt19937 rng(20261202);
  for (int round = 0; round < 200; ++round) {
    uint32_t nodes = 1 + rng() % 400;
    Edges edges;
    uint32_t m = rng() % (4 * nodes);
    for (uint32_t i = 0; i < m; ++i) edges.push_back({rng() % nodes, rng() % nodes});
    for (uint32_t v = 0; v < nodes; v += 1 + rng() % 7) edges.push_back({v, v});  // self-loops
    std::vector<bool> inside(nodes);
    const uint32_t percent = rng() % 101;  // from no vertex to all of them
    for (uint32_t v = 0; v < nodes; ++v) inside[v] = rng() % 100 < percent;
    INFO("round " << round << ", " << nodes << " nodes, " << percent << "% inside");
    check_against_boost(nodes, edges, inside);
  }
}

TEST_CASE("strongly connected components: what passes through outside nodes does not connect",
          "[strongly-connected]") {
  // 0 -> 1 -> 2 -> 0 is a cycle only through node 1; with 1 outside, 0 and 2 stand alone, and
  // 2 -> 0 is the only edge followed. 3 <-> 4 stays one component.
  Edges edges{{0, 1}, {1, 2}, {2, 0}, {3, 4}, {4, 3}, {4, 4}};
  SubsetGraph graph(5, edges, {true, false, true, true, true});
  auto c = strongly_connected_components(graph);
  REQUIRE(c);
  // Vertices 0, 1, 2, 3 are nodes 0, 2, 3, 4. From root 0: nothing inside (0 is done first);
  // from 2 -> 0: 0 is done already; then 3 <-> 4.
  CHECK(c->of == std::vector<uint32_t>{0, 1, 2, 2});
  CHECK(c->count == 3);
  CHECK(c->edges == 3);  // 2 -> 0, 3 -> 4, 4 -> 3; the self-loop and the edges of node 1 not
  check_against_boost(5, edges, {true, false, true, true, true});
}

TEST_CASE("strongly connected components of nothing, and of a graph with no vertex inside",
          "[strongly-connected]") {
  SubsetGraph empty(0, {}, {});
  auto none = strongly_connected_components(empty);
  REQUIRE(none);
  CHECK(none->of.empty());
  CHECK(none->count == 0);
  SubsetGraph outside(3, {{0, 1}, {1, 2}}, {false, false, false});
  auto also_none = strongly_connected_components(outside);
  REQUIRE(also_none);
  CHECK(also_none->of.empty());
  CHECK(also_none->edges == 0);
}

TEST_CASE("strongly connected components: a chain of every other node, 400,000 deep, and a stop",
          "[strongly-connected]") {
  // Node v -> v + 2 for even v: the inside chain; odd nodes, outside, point back into it.
  constexpr uint32_t nodes = 800000;
  Edges edges;
  std::vector<bool> inside(nodes);
  for (uint32_t v = 0; v < nodes; ++v) {
    inside[v] = v % 2 == 0;
    if (v % 2 == 0 && v + 2 < nodes) edges.push_back({v, v + 2});
    if (v % 2 == 1) edges.push_back({v, v - 1});
  }
  SubsetGraph graph(nodes, edges, inside);
  auto c = strongly_connected_components(graph);
  REQUIRE(c);
  CHECK(c->count == nodes / 2);
  CHECK(c->edges == nodes / 2 - 1);
  for (uint32_t i = 0; i + 1 < nodes / 2; ++i) REQUIRE(c->of[i] == nodes / 2 - 1 - i);
  uint32_t asked = 0;
  CHECK_FALSE(strongly_connected_components(graph, [&] { return ++asked == 2; }));
  CHECK(asked == 2);  // asked every 65,536 steps: a stop is not a finish
}
