// Shortest paths from the roots (walker/analysis/retention.h) on synthetic graphs, against a
// plain two-pass breadth-first search: the same edge to every node, the same depths, and the
// same shortest-first selection as sorting every path by length.
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <tuple>
#include <vector>

#include "walker/analysis/retention.h"

using heapwalk::walker::EdgeFilter;
using heapwalk::walker::EdgeProvenance;
using heapwalk::walker::follows;
using heapwalk::walker::GraphNode;
using heapwalk::walker::HeapGraph;
using heapwalk::walker::HeapGraphBuilder;
using heapwalk::walker::shortest_first;
using heapwalk::walker::shortest_paths;
using heapwalk::walker::ShortestPaths;

namespace {

using Edge = std::tuple<GraphNode, GraphNode, EdgeProvenance>;

HeapGraph make_graph(size_t nodes, const std::vector<Edge>& edges) {
  HeapGraphBuilder builder(std::vector<uint64_t>(nodes, 8));
  for (auto [from, to, p] : edges) builder.add_edge(from, to, p);
  return std::move(builder).build();
}

struct Reference {
  std::vector<GraphNode> parent;
  std::vector<uint32_t> via, depth;
};

// Typed edges first, then every edge the filter allows from all that is reached, each pass
// level by level, a node's edges in order (shortest_paths restarts the second pass only from
// the nodes with a conservative edge, and reads the frontier in blocks).
Reference reference(const HeapGraph& graph, EdgeFilter filter) {
  const size_t n = graph.node_count();
  Reference r{std::vector<GraphNode>(n, 0), std::vector<uint32_t>(n, ShortestPaths::kNoEdge),
              std::vector<uint32_t>(n, 0)};
  std::vector<bool> seen(n, false);
  seen[0] = true;
  std::vector<GraphNode> reached{0}, frontier, next;
  for (int i = 0; i < (filter == EdgeFilter::kTypedOnly ? 1 : 2); ++i) {
    EdgeFilter pass = i == 0 ? EdgeFilter::kTypedOnly : filter;
    frontier = reached;
    while (!frontier.empty()) {
      next.clear();
      for (GraphNode from : frontier)
        for (uint32_t e = graph.first_edge(from); e < graph.first_edge(from + 1); ++e) {
          GraphNode to = graph.target_of(e);
          if (seen[to] || !follows(pass, graph.provenance_of(e))) continue;
          seen[to] = true;
          r.parent[to] = from;
          r.via[to] = e;
          r.depth[to] = r.depth[from] + 1;
          next.push_back(to);
          reached.push_back(to);
        }
      frontier.swap(next);
    }
  }
  return r;
}

void check_equal(const HeapGraph& graph, EdgeFilter filter) {
  ShortestPaths paths = shortest_paths(graph, filter);
  Reference want = reference(graph, filter);
  const size_t n = graph.node_count();
  REQUIRE(paths.steps.size() == n);
  for (GraphNode v = 0; v < n; ++v) {
    INFO("node " << v);
    REQUIRE(paths.via(v) == want.via[v]);
    REQUIRE(paths.depth(v) == want.depth[v]);
    REQUIRE(paths.parent(graph, v) == want.parent[v]);
    REQUIRE(paths.edges_to(graph, v).size() == want.depth[v]);
  }
}

// Random edges with the given mix: typed below `typed`, conservative below `conservative`,
// else weak (in tenths); sources often among the first quarter (hubs, long frontiers).
std::vector<Edge> random_edges(std::mt19937& random, size_t n, size_t m, uint32_t typed,
                               uint32_t conservative) {
  std::vector<Edge> edges;
  for (size_t e = 0; e < m; ++e) {
    uint32_t r = random() % 10;
    auto p = r < typed          ? EdgeProvenance::kTyped
             : r < conservative ? EdgeProvenance::kConservative
                                : EdgeProvenance::kWeak;
    GraphNode from = static_cast<GraphNode>(random() % (random() % 2 ? n : (n + 3) / 4));
    edges.emplace_back(from, static_cast<GraphNode>(random() % n), p);
  }
  return edges;
}

}  // namespace

TEST_CASE("shortest paths prefer typed edges and never use weak ones", "[shortest_paths]") {
  using P = EdgeProvenance;
  // 0 -> 1 -> 2 -> 3 typed; 0 -> 3 conservative (shorter, but a guess); 0 -> 4 weak only;
  // 0 -> 5 conservative only.
  HeapGraph graph = make_graph(6, {{0, 1, P::kTyped}, {1, 2, P::kTyped}, {2, 3, P::kTyped},
                                   {0, 3, P::kConservative}, {0, 4, P::kWeak},
                                   {0, 5, P::kConservative}});
  ShortestPaths paths = shortest_paths(graph);
  CHECK(paths.edges_to(graph, 3).size() == 3);  // the typed path, not the conservative shortcut
  CHECK(paths.parent(graph, 3) == 2);
  CHECK(paths.depth(3) == 3);
  CHECK_FALSE(paths.reached(4));
  CHECK(paths.depth(4) == 0);
  REQUIRE(paths.reached(5));
  CHECK(paths.edges_to(graph, 5).size() == 1);
  CHECK(paths.depth(5) == 1);
  CHECK(graph.provenance_of(paths.via(5)) == P::kConservative);
  ShortestPaths typed = shortest_paths(graph, EdgeFilter::kTypedOnly);
  CHECK_FALSE(typed.reached(5));
  CHECK(typed.edges_to(graph, 3) == paths.edges_to(graph, 3));
  CHECK(paths.edges_to(graph, 0).empty());
  CHECK(paths.parent(graph, 0) == 0);
}

TEST_CASE("shortest paths equal two plain breadth-first passes on random graphs",
          "[shortest_paths]") {
  std::mt19937 random(7);
  for (int round = 0; round < 2000; ++round) {
    INFO("round " << round);
    const size_t n = 1 + random() % 150;
    HeapGraph graph = make_graph(n, random_edges(random, n, random() % (4 * n + 1), 5, 8));
    for (EdgeFilter filter : {EdgeFilter::kOwning, EdgeFilter::kTypedOnly})
      check_equal(graph, filter);
  }
}

TEST_CASE("shortest paths equal the plain search on larger graphs: long frontiers, mostly "
          "conservative regions, nodes without edges", "[shortest_paths]") {
  std::mt19937 random(11);
  for (int round = 0; round < 60; ++round) {
    INFO("round " << round);
    const size_t n = 1 + random() % 6000;
    // Few typed edges in some rounds: the second pass then does most of the work, from many
    // starts at many depths.
    const uint32_t typed = 1 + random() % 6;
    HeapGraph graph =
        make_graph(n, random_edges(random, n, random() % (3 * n + 1), typed, typed + 3));
    for (EdgeFilter filter : {EdgeFilter::kOwning, EdgeFilter::kTypedOnly})
      check_equal(graph, filter);
  }
  // A chain, typed then conservative: every level one node wide.
  std::vector<Edge> chain;
  for (GraphNode v = 0; v + 1 < 5000; ++v)
    chain.emplace_back(v, v + 1, v < 2500 ? EdgeProvenance::kTyped : EdgeProvenance::kConservative);
  HeapGraph graph = make_graph(5000, chain);
  check_equal(graph, EdgeFilter::kOwning);
  ShortestPaths paths = shortest_paths(graph);
  CHECK(paths.depth(4999) == 4999);
}

TEST_CASE("shortest_first selects what sorting every path by length would", "[shortest_paths]") {
  std::mt19937 random(3);
  for (int round = 0; round < 300; ++round) {
    INFO("round " << round);
    const size_t n = 1 + random() % 400;
    HeapGraph graph = make_graph(n, random_edges(random, n, random() % (3 * n + 1), 5, 8));
    ShortestPaths paths = shortest_paths(graph);
    std::vector<GraphNode> nodes;
    for (size_t k = random() % (n + 1); k-- > 0;)
      nodes.push_back(static_cast<GraphNode>(random() % n));
    std::sort(nodes.begin(), nodes.end());
    nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
    std::shuffle(nodes.begin(), nodes.end(), random);
    // What heap shpaths did: every reached node's path built, sorted by (length, node).
    std::vector<std::pair<size_t, GraphNode>> all;
    size_t unreached = 0;
    for (GraphNode v : nodes) {
      if (paths.reached(v)) all.emplace_back(paths.edges_to(graph, v).size(), v);
      else ++unreached;
    }
    std::stable_sort(all.begin(), all.end());
    const size_t count = random() % (nodes.size() + 2);
    auto first = shortest_first(paths, nodes, count);
    CHECK(first.reached == all.size());
    CHECK(first.unreached == unreached);
    REQUIRE(first.nodes.size() == std::min(count, all.size()));
    for (size_t i = 0; i < first.nodes.size(); ++i) CHECK(first.nodes[i] == all[i].second);
  }
}
