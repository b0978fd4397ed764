// Shortest paths from the roots (walker/analysis/shortest_paths.h) on synthetic graphs, against
// a plain two-pass breadth-first search: the same edge to every node, the same depths, the same
// result from one thread and from two, and the same shortest-first selection as sorting every
// path by length.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <random>
#include <vector>

#include "synthetic_graph.h"
#include "walker/analysis/shortest_paths.h"
#include "walker/progress.h"

using heapwalk::test::Edge;
using heapwalk::test::make_uniform_graph;
using heapwalk::walker::EdgeFilter;
using heapwalk::walker::EdgeProvenance;
using heapwalk::walker::follows;
using heapwalk::walker::GraphNode;
using heapwalk::walker::HeapGraph;
using heapwalk::walker::HeapGraphBuilder;
using heapwalk::walker::Interrupted;
using heapwalk::walker::kRootNode;
using heapwalk::walker::SearchThreads;
using heapwalk::walker::shortest_first;
using heapwalk::walker::shortest_paths;
using heapwalk::walker::ShortestPaths;

namespace {

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

// One thread; two: every level of two nodes or more split between them.
constexpr SearchThreads kOne{1}, kTwo{2, 2};

void check_equal(const HeapGraph& graph, EdgeFilter filter, SearchThreads threads = kOne) {
  ShortestPaths paths = shortest_paths(graph, filter, {}, threads);
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

// Edges as the heap makes them (the benchmark's shape): a spanning tree from lower nodes, then
// edges mostly to nodes within `near` of their source; `weak` and `conservative` in tenths.
std::vector<Edge> heap_edges(std::mt19937& random, size_t n, size_t m, uint32_t near,
                             uint32_t conservative, uint32_t weak) {
  std::vector<Edge> edges;
  auto provenance = [&] {
    uint32_t r = random() % 10;
    return r < conservative          ? EdgeProvenance::kConservative
           : r < conservative + weak ? EdgeProvenance::kWeak
                                     : EdgeProvenance::kTyped;
  };
  auto target = [&](size_t from, size_t below) {
    if (below == 0) return GraphNode{0};
    if (random() % 16 == 0) return static_cast<GraphNode>(random() % below);
    const size_t lo = from > near ? from - near : 0, hi = std::min(below, from + near + 1);
    return static_cast<GraphNode>(lo + random() % std::max<size_t>(hi - lo, 1));
  };
  for (size_t v = 1; v < n; ++v) edges.emplace_back(target(v, v), static_cast<GraphNode>(v),
                                                    provenance());
  for (size_t e = n; e < m; ++e) {
    const size_t from = random() % n;
    edges.emplace_back(static_cast<GraphNode>(from), target(from, n), provenance());
  }
  std::shuffle(edges.begin(), edges.end(), random);  // each node's edges in random order
  return edges;
}

// The plain breadth-first distances from the root over the edges `filter` follows
// (UINT32_MAX: unreached).
std::vector<uint32_t> distances(const HeapGraph& graph, EdgeFilter filter) {
  std::vector<uint32_t> distance(graph.node_count(), UINT32_MAX);
  std::deque<GraphNode> queue{kRootNode};
  distance[kRootNode] = 0;
  while (!queue.empty()) {
    const GraphNode from = queue.front();
    queue.pop_front();
    for (uint32_t e = graph.first_edge(from); e < graph.first_edge(from + 1); ++e) {
      const GraphNode to = graph.target_of(e);
      if (distance[to] != UINT32_MAX || !follows(filter, graph.provenance_of(e))) continue;
      distance[to] = distance[from] + 1;
      queue.push_back(to);
    }
  }
  return distance;
}

// Every path is made of edges `filter` follows, one more than its parent's; a node typed edges
// reach has the shortest typed path; every other has a path if and only if the filter's edges
// reach it, never shorter than the shortest.
void check_shortest(const HeapGraph& graph, EdgeFilter filter, const ShortestPaths& paths) {
  const std::vector<uint32_t> typed = distances(graph, EdgeFilter::kTypedOnly);
  const std::vector<uint32_t> any = distances(graph, filter);
  for (GraphNode v = 1; v < graph.node_count(); ++v) {
    INFO("node " << v);
    REQUIRE(paths.reached(v) == (any[v] != UINT32_MAX));
    if (!paths.reached(v)) continue;
    REQUIRE(graph.target_of(paths.via(v)) == v);
    REQUIRE(follows(filter, graph.provenance_of(paths.via(v))));
    REQUIRE(paths.depth(v) == paths.depth(paths.parent(graph, v)) + 1);
    if (typed[v] != UINT32_MAX) REQUIRE(paths.depth(v) == typed[v]);
    else REQUIRE(paths.depth(v) >= any[v]);
  }
}

bool same_steps(const ShortestPaths& a, const ShortestPaths& b) {
  return std::equal(a.steps.begin(), a.steps.end(), b.steps.begin(), b.steps.end(),
                    [](const ShortestPaths::Step& x, const ShortestPaths::Step& y) {
                      return x.via == y.via && x.depth == y.depth;
                    });
}

}  // namespace

TEST_CASE("shortest paths prefer typed edges and never use weak ones", "[shortest_paths]") {
  using P = EdgeProvenance;
  // 0 -> 1 -> 2 -> 3 typed; 0 -> 3 conservative (shorter, but a guess); 0 -> 4 weak only;
  // 0 -> 5 conservative only.
  HeapGraph graph = make_uniform_graph(6, {{0, 1, P::kTyped}, {1, 2, P::kTyped}, {2, 3, P::kTyped},
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
    HeapGraph graph = make_uniform_graph(n, random_edges(random, n, random() % (4 * n + 1), 5, 8));
    for (EdgeFilter filter : {EdgeFilter::kOwning, EdgeFilter::kTypedOnly}) {
      check_equal(graph, filter);
      check_equal(graph, filter, kTwo);
    }
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
        make_uniform_graph(n, random_edges(random, n, random() % (3 * n + 1), typed, typed + 3));
    for (EdgeFilter filter : {EdgeFilter::kOwning, EdgeFilter::kTypedOnly}) {
      check_equal(graph, filter);
      check_equal(graph, filter, kTwo);
    }
  }
  // A chain, typed then conservative: every level one node wide.
  std::vector<Edge> chain;
  for (GraphNode v = 0; v + 1 < 5000; ++v)
    chain.emplace_back(v, v + 1, v < 2500 ? EdgeProvenance::kTyped : EdgeProvenance::kConservative);
  HeapGraph graph = make_uniform_graph(5000, chain);
  check_equal(graph, EdgeFilter::kOwning);
  check_equal(graph, EdgeFilter::kOwning, kTwo);
  ShortestPaths paths = shortest_paths(graph);
  CHECK(paths.depth(4999) == 4999);
}

TEST_CASE("shortest_first selects what sorting every path by length would", "[shortest_paths]") {
  std::mt19937 random(3);
  for (int round = 0; round < 300; ++round) {
    INFO("round " << round);
    const size_t n = 1 + random() % 400;
    HeapGraph graph = make_uniform_graph(n, random_edges(random, n, random() % (3 * n + 1), 5, 8));
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

TEST_CASE("two threads find exactly the one-thread paths, and they are shortest",
          "[shortest_paths]") {
  for (uint32_t seed = 0; seed < 400; ++seed) {
    INFO("seed " << seed);
    std::mt19937 random(seed);
    const size_t n = 1 + random() % (seed % 8 == 0 ? 30000 : 3000);
    const size_t m = random() % (4 * n + 1);
    std::vector<Edge> edges;
    switch (seed % 4) {
      case 0: edges = heap_edges(random, n, m, 64, 1, 1); break;       // the heap's shape
      case 1: edges = heap_edges(random, n, m, 4, 5, 2); break;        // mostly conservative
      case 2: edges = random_edges(random, n, m, 5, 8); break;         // hubs, weak edges
      default: edges = random_edges(random, n, m, 1 + random() % 6, 9);  // few typed
    }
    HeapGraph graph = make_uniform_graph(n, edges);
    for (EdgeFilter filter : {EdgeFilter::kOwning, EdgeFilter::kTypedOnly}) {
      ShortestPaths one = shortest_paths(graph, filter, {}, kOne);
      // Every level split, and levels split only from a random length on.
      const SearchThreads some{2, 2 + random() % 200};
      REQUIRE(same_steps(shortest_paths(graph, filter, {}, kTwo), one));
      REQUIRE(same_steps(shortest_paths(graph, filter, {}, some), one));
      check_shortest(graph, filter, one);
    }
  }
}

TEST_CASE("two threads find the one-thread paths on a large heap-shaped graph",
          "[shortest_paths]") {
  std::mt19937 random(5);
  const size_t n = 400'000;
  HeapGraph graph = make_uniform_graph(n, heap_edges(random, n, 3 * n, 64, 1, 1));
  for (EdgeFilter filter : {EdgeFilter::kOwning, EdgeFilter::kTypedOnly}) {
    ShortestPaths one = shortest_paths(graph, filter, {}, kOne);
    CHECK(same_steps(shortest_paths(graph, filter, {}, SearchThreads{2}), one));
    check_shortest(graph, filter, one);
  }
}

TEST_CASE("the two-thread path search stops when asked, wherever it is", "[shortest_paths]") {
  // A tree three wide (levels of up to 2 M nodes, split between the threads), with edges back
  // up: stop at each ask in turn, then let a search finish; each stop throws at once, with the
  // second thread told to stop and joined.
  const GraphNode n = 3'000'000;
  HeapGraphBuilder builder(std::vector<uint64_t>(n, 8));
  for (GraphNode v = 1; v < n; ++v) {
    builder.add_edge((v - 1) / 3, v, EdgeProvenance::kTyped);
    if (v % 5 == 0) builder.add_edge(v, v / 7, EdgeProvenance::kConservative);
  }
  HeapGraph graph = std::move(builder).build();
  const ShortestPaths one = shortest_paths(graph, EdgeFilter::kOwning, {}, kOne);
  for (int stop_at = 1;; ++stop_at) {
    INFO("stop at ask " << stop_at);
    int asked = 0;
    std::function<bool()> stop = [&] { return ++asked >= stop_at; };
    try {
      ShortestPaths paths = shortest_paths(graph, EdgeFilter::kOwning, stop, SearchThreads{2});
      CHECK(asked < stop_at);
      CHECK(same_steps(paths, one));
      break;
    } catch (const Interrupted&) {
      CHECK(asked == stop_at);  // not asked again once it said stop
    }
    REQUIRE(stop_at < 1000);
  }
}
