// Dominators and retained sizes on synthetic graphs, against Boost.Graph's Lengauer-Tarjan.
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dominator_tree.hpp>
#include <algorithm>
#include <catch2/catch.hpp>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "synthetic_graph.h"
#include "walker/analysis/dominators.h"
#include "walker/analysis/retained_sets.h"
#include "walker/analysis/retention.h"

using heapwalk::test::Edge;
using heapwalk::test::make_graph;
using heapwalk::walker::dominator_tree;
using heapwalk::walker::DominatorTree;
using heapwalk::walker::EdgeFilter;
using heapwalk::walker::EdgeProvenance;
using heapwalk::walker::follows;
using heapwalk::walker::GraphNode;
using heapwalk::walker::HeapGraph;
using heapwalk::walker::HeapGraphBuilder;
using heapwalk::walker::retained_by_set;

namespace {

// Boost's idoms over the edges `filter` follows: kUnreached where unreached, the root's own.
std::vector<GraphNode> boost_idoms(size_t n, const std::vector<Edge>& edges, EdgeFilter filter) {
  using G = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;
  using Vertex = boost::graph_traits<G>::vertex_descriptor;
  G g(n);
  for (auto [from, to, p] : edges)
    if (follows(filter, p) && from != to && !boost::edge(from, to, g).second)
      boost::add_edge(from, to, g);
  std::vector<Vertex> dom(n, boost::graph_traits<G>::null_vertex());
  auto index = boost::get(boost::vertex_index, g);
  // Boost 1.74's three-argument overload numbers unreached vertices 0, like the entry, and then
  // takes an unreached predecessor for a semidominator: give them the "unvisited" number.
  std::vector<size_t> number(n, std::numeric_limits<size_t>::max());
  std::vector<Vertex> parent(n, boost::graph_traits<G>::null_vertex()), by_number(parent);
  // An lvalue: Boost's visitor keeps a reference to the entry.
  const Vertex entry = boost::vertex(0, g);
  boost::lengauer_tarjan_dominator_tree(
      g, entry, index, boost::make_iterator_property_map(number.begin(), index),
      boost::make_iterator_property_map(parent.begin(), index), by_number,
      boost::make_iterator_property_map(dom.begin(), index));
  std::vector<GraphNode> idom(n, DominatorTree::kUnreached);
  idom[0] = 0;
  for (size_t v = 1; v < n; ++v)
    if (dom[v] != boost::graph_traits<G>::null_vertex()) idom[v] = static_cast<GraphNode>(dom[v]);
  return idom;
}

}  // namespace

TEST_CASE("dominators of a small graph with a diamond and a cycle", "[dominators]") {
  // 0 -> 1 -> {2, 3} -> 4 -> 5 -> 4 (cycle); 0 -> 6 -> 3; 7 unreached; 1 -> 8 weak only.
  using P = EdgeProvenance;
  std::vector<Edge> edges = {{0, 1, P::kTyped}, {1, 2, P::kTyped},  {1, 3, P::kTyped},
                             {2, 4, P::kTyped}, {3, 4, P::kTyped},  {4, 5, P::kTyped},
                             {5, 4, P::kTyped}, {0, 6, P::kTyped},  {6, 3, P::kConservative},
                             {7, 1, P::kTyped}, {1, 8, P::kWeak}};
  std::vector<uint64_t> sizes = {0, 10, 20, 30, 40, 50, 60, 70, 80};
  HeapGraph graph = make_graph(sizes, edges);
  DominatorTree tree = dominator_tree(graph);
  CHECK(tree.idom == std::vector<GraphNode>{0, 0, 1, 0, 0, 4, 0, DominatorTree::kUnreached,
                                            DominatorTree::kUnreached});
  CHECK(tree.retained[1] == 10 + 20);
  CHECK(tree.retained[4] == 40 + 50);
  CHECK(tree.retained[0] == 10 + 20 + 30 + 40 + 50 + 60);
  CHECK(tree.retained[8] == 0);  // reached only through a weak edge: retained by nothing

  // Without the conservative edge, 6 no longer shares 3 with 1, so 1 dominates 3 and 4.
  DominatorTree typed = dominator_tree(graph, EdgeFilter::kTypedOnly);
  CHECK(typed.idom[3] == 1);
  CHECK(typed.idom[4] == 1);
  CHECK(typed.retained[1] == 10 + 20 + 30 + 40 + 50);

  // A set retains what neither member retains alone: 2 and 3 together hold 4 and 5.
  std::vector<GraphNode> pair = {2, 3};
  auto held = retained_by_set(graph, pair);
  CHECK(held.count == 4);
  CHECK(held.bytes == 20 + 30 + 40 + 50);
}

TEST_CASE("dominators equal Boost's on random graphs", "[dominators]") {
  std::mt19937 random(20261201);
  for (int round = 0; round < 400; ++round) {
    const size_t n = 1 + random() % 120;
    const size_t m = random() % (4 * n + 1);
    std::vector<Edge> edges;
    for (size_t e = 0; e < m; ++e) {
      uint32_t r = random() % 10;
      auto p = r < 6 ? EdgeProvenance::kTyped
                     : r < 8 ? EdgeProvenance::kConservative : EdgeProvenance::kWeak;
      // Skewed towards low sources so that much of the graph is reached from the root.
      GraphNode from = static_cast<GraphNode>(random() % (random() % 2 ? n : (n + 3) / 4));
      edges.emplace_back(from, static_cast<GraphNode>(random() % n), p);
    }
    std::vector<uint64_t> sizes(n, 0);
    for (size_t v = 1; v < n; ++v) sizes[v] = 16 + random() % 1000;
    HeapGraph graph = make_graph(sizes, edges);
    for (EdgeFilter filter : {EdgeFilter::kOwning, EdgeFilter::kTypedOnly}) {
      INFO("round " << round << ", " << n << " nodes, " << m << " edges");
      DominatorTree tree = dominator_tree(graph, filter);
      std::vector<GraphNode> expected = boost_idoms(n, edges, filter);
      std::string differ;
      for (size_t v = 0; v < n; ++v)
        if (tree.idom[v] != expected[v])
          differ += " node " + std::to_string(v) + ": " + std::to_string(tree.idom[v]) +
                    " (Boost " + std::to_string(expected[v]) + ")";
      REQUIRE(differ == "");
      // Retained size of one node = what the root loses without it (Heapy's definition).
      uint64_t reached_bytes = 0;
      for (GraphNode v : tree.preorder) {
        reached_bytes += sizes[v];
        if (v == 0) continue;
        std::vector<GraphNode> one = {v};
        auto held = retained_by_set(graph, one, filter);
        REQUIRE(held.bytes == tree.retained[v]);
      }
      REQUIRE(tree.retained[0] == reached_bytes);
      // Preorder puts every node after its dominator.
      std::vector<size_t> position(n, 0);
      for (size_t i = 0; i < tree.preorder.size(); ++i) position[tree.preorder[i]] = i;
      for (GraphNode v : tree.preorder)
        if (v != 0) REQUIRE(position[tree.idom[v]] < position[v]);
    }
  }
}

TEST_CASE("dominators equal Boost's on deep heap-shaped graphs", "[dominators]") {
  // As tests/bench/dominators_bench.cpp builds them, smaller: an owner within 64 nodes before
  // each node, two more edges each, most of them near their source and some anywhere, so the
  // DFS goes thousands deep and evaluation climbs (and halves) long paths of the forest.
  std::mt19937 random(8);
  for (int round = 0; round < 6; ++round) {
    const size_t n = 2000 + random() % 20000;
    auto near = [&](size_t v, size_t below) {
      if (random() % 50 == 0) return static_cast<GraphNode>(random() % below);
      size_t lo = v > 64 ? v - 64 : 0, hi = std::min(below, v + 64);
      return static_cast<GraphNode>(lo + random() % (hi - lo));
    };
    std::vector<Edge> edges;
    for (size_t v = 1; v < n; ++v) edges.emplace_back(near(v, v), v, EdgeProvenance::kTyped);
    for (size_t e = 0; e < 2 * n; ++e) {
      size_t from = random() % n;
      uint32_t r = random() % 10;
      auto p = r < 7 ? EdgeProvenance::kTyped
                     : r < 9 ? EdgeProvenance::kConservative : EdgeProvenance::kWeak;
      edges.emplace_back(static_cast<GraphNode>(from), near(from, n), p);
    }
    std::vector<uint64_t> sizes(n, 0);
    for (size_t v = 1; v < n; ++v) sizes[v] = 16 + random() % 100;
    HeapGraph graph = make_graph(sizes, edges);
    for (EdgeFilter filter : {EdgeFilter::kOwning, EdgeFilter::kTypedOnly}) {
      INFO("round " << round << ", " << n << " nodes");
      DominatorTree tree = dominator_tree(graph, filter);
      REQUIRE(tree.idom == boost_idoms(n, edges, filter));
      // Retained = own size plus the dominator-tree children's retained sizes.
      std::vector<uint64_t> expected(n, 0);
      for (size_t i = tree.preorder.size(); i-- > 0;) {
        GraphNode v = tree.preorder[i];
        expected[v] += sizes[v];
        if (v != 0) expected[tree.idom[v]] += expected[v];
      }
      REQUIRE(tree.retained == expected);
    }
  }
}

TEST_CASE("dominators are the same however the pass is tuned", "[dominators]") {
  // Blocks of 1..64 nodes put most evaluations across block boundaries (the interleaved far
  // part, then the part inside the block); one thread or two place the predecessors.
  using heapwalk::walker::DominatorTuning;
  std::mt19937 random(20261202);
  std::vector<DominatorTuning> tunings;
  for (uint32_t block : {1u, 2u, 3u, 7u, 64u, 32768u})
    for (uint32_t slots : {1u, 3u, 64u})
      for (int threads : {1, 2}) tunings.push_back({threads, block, slots, nullptr});
  for (int round = 0; round < 60; ++round) {
    // Random graphs, and heap-shaped ones (an owner close before each node, most edges near).
    const bool heap = round % 2 == 1;
    const size_t n = heap ? 500 + random() % 3000 : 1 + random() % 200;
    std::vector<Edge> edges;
    auto near = [&](size_t v, size_t below) {
      if (random() % 50 == 0) return static_cast<GraphNode>(random() % below);
      size_t lo = v > 16 ? v - 16 : 0, hi = std::min(below, v + 16);
      return static_cast<GraphNode>(lo + random() % (hi - lo));
    };
    if (heap)
      for (size_t v = 1; v < n; ++v) edges.emplace_back(near(v, v), v, EdgeProvenance::kTyped);
    const size_t m = heap ? 2 * n : random() % (4 * n + 1);
    for (size_t e = 0; e < m; ++e) {
      uint32_t r = random() % 10;
      auto p = r < 6 ? EdgeProvenance::kTyped
                     : r < 8 ? EdgeProvenance::kConservative : EdgeProvenance::kWeak;
      GraphNode from = static_cast<GraphNode>(random() % (random() % 2 ? n : (n + 3) / 4));
      edges.emplace_back(from, heap ? near(from, n) : static_cast<GraphNode>(random() % n), p);
    }
    std::vector<uint64_t> sizes(n, 0);
    for (size_t v = 1; v < n; ++v) sizes[v] = 16 + random() % 1000;
    HeapGraph graph = make_graph(sizes, edges);
    for (EdgeFilter filter : {EdgeFilter::kOwning, EdgeFilter::kTypedOnly}) {
      INFO("round " << round << ", " << n << " nodes, " << edges.size() << " edges");
      const std::vector<GraphNode> expected = boost_idoms(n, edges, filter);
      const DominatorTree plain = dominator_tree(graph, filter);
      REQUIRE(plain.idom == expected);
      for (const DominatorTuning& tuning : tunings) {
        INFO("block " << tuning.block << ", slots " << tuning.slots << ", threads "
                      << tuning.threads);
        DominatorTree tree = dominator_tree(graph, filter, {}, tuning);
        REQUIRE(tree.idom == expected);
        REQUIRE(tree.retained == plain.retained);
        REQUIRE(tree.preorder == plain.preorder);
      }
    }
  }
}

TEST_CASE("retained sizes equal sums over Boost's dominator tree, on one thread and two",
          "[dominators]") {
  // Heap-shaped graphs where a third of the nodes are reached only through weak edges or only
  // from unreached nodes, and some only through conservative edges (unreached with
  // --typed-only), spread over both halves of every two-thread split. Each reached node's
  // retained size is summed independently here: its size added to every node up its chain of
  // Boost's idoms; an unreached node retains 0 and has no idom.
  using heapwalk::walker::DominatorTuning;
  std::mt19937 random(20261203);
  for (int round = 0; round < 12; ++round) {
    const size_t n = 2000 + random() % 4000;
    std::vector<Edge> edges;
    auto near = [&](size_t v) {
      size_t lo = v > 32 ? v - 32 : 0, hi = std::min(n, v + 32);
      return static_cast<GraphNode>(lo + random() % (hi - lo));
    };
    for (size_t v = 1; v < n; ++v) {
      const GraphNode owner = random() % 40 == 0 ? static_cast<GraphNode>(random() % v)
                                                 : near(v) % static_cast<GraphNode>(v);
      const uint32_t r = random() % 12;
      // One in three owned weakly (reached, if at all, through some other edge).
      auto p = r < 4 ? EdgeProvenance::kWeak
                     : r < 6 ? EdgeProvenance::kConservative : EdgeProvenance::kTyped;
      edges.emplace_back(owner, static_cast<GraphNode>(v), p);
    }
    for (size_t e = 0; e < n; ++e) {
      const GraphNode from = static_cast<GraphNode>(random() % n);
      edges.emplace_back(from, near(from), random() % 3 ? EdgeProvenance::kTyped
                                                        : EdgeProvenance::kWeak);
    }
    std::vector<uint64_t> sizes(n, 0);
    for (size_t v = 1; v < n; ++v) sizes[v] = 16 + random() % 1000;
    HeapGraph graph = make_graph(sizes, edges);
    for (EdgeFilter filter : {EdgeFilter::kOwning, EdgeFilter::kTypedOnly}) {
      INFO("round " << round << ", " << n << " nodes");
      const std::vector<GraphNode> expected = boost_idoms(n, edges, filter);
      std::vector<uint64_t> sums(n, 0);
      size_t unreached = 0;
      for (size_t w = 0; w < n; ++w) {
        if (expected[w] == DominatorTree::kUnreached) {
          ++unreached;
          continue;
        }
        sums[w] += sizes[w];
        for (GraphNode v = static_cast<GraphNode>(w); v != 0;) {
          v = expected[v];
          sums[v] += sizes[w];
        }
      }
      REQUIRE(unreached > n / 10);  // the case is about them too
      for (int threads : {1, 2}) {
        DominatorTuning tuning;
        tuning.threads = threads;
        tuning.block = 64;
        DominatorTree tree = dominator_tree(graph, filter, {}, tuning);
        REQUIRE(tree.idom == expected);
        REQUIRE(tree.retained == sums);
        REQUIRE(tree.preorder.size() == n - unreached);
      }
    }
  }
}

TEST_CASE("a node with more than a million predecessors", "[dominators]") {
  // 0 -> 1 .. k, each -> k + 1 (whose predecessor list is too long for a block's far pass),
  // k + 1 -> k + 2; k + 2 -> 1 closes a cycle through all of them.
  const GraphNode k = (1u << 20) + 5;
  std::vector<uint64_t> sizes(k + 3, 8);
  sizes[0] = 0;
  HeapGraphBuilder builder(std::move(sizes));
  for (GraphNode v = 1; v <= k; ++v) {
    builder.add_edge(0, v, EdgeProvenance::kTyped);
    builder.add_edge(v, k + 1, EdgeProvenance::kTyped);
  }
  builder.add_edge(k + 1, k + 2, EdgeProvenance::kTyped);
  builder.add_edge(k + 2, 1, EdgeProvenance::kTyped);
  HeapGraph graph = std::move(builder).build();
  for (uint32_t block : {1u, 32768u}) {
    heapwalk::walker::DominatorTuning tuning;
    tuning.block = block;
    DominatorTree tree = dominator_tree(graph, EdgeFilter::kOwning, {}, tuning);
    CHECK(tree.idom[k + 1] == 0);
    CHECK(tree.idom[k + 2] == k + 1);
    CHECK(tree.idom[1] == 0);
    CHECK(tree.retained[k + 1] == 16);
    CHECK(tree.retained[0] == 8ull * (k + 2));
  }
}

TEST_CASE("a million-deep chain needs no recursion", "[dominators]") {
  const GraphNode n = 1'000'001;
  HeapGraphBuilder builder(std::vector<uint64_t>(n, 8));
  for (GraphNode v = 0; v + 1 < n; ++v) builder.add_edge(v, v + 1, EdgeProvenance::kTyped);
  builder.add_edge(n - 1, 1, EdgeProvenance::kTyped);  // the tail points back at the head
  HeapGraph graph = std::move(builder).build();
  DominatorTree tree = dominator_tree(graph);
  REQUIRE(tree.preorder.size() == n);
  CHECK(tree.idom[n - 1] == n - 2);
  CHECK(tree.idom[1] == 0);
  CHECK(tree.retained[1] == 8ull * (n - 1));
  CHECK(tree.retained[n - 1] == 8);
}

TEST_CASE("weak-only referents are not retained, and a root of nothing is fine", "[dominators]") {
  // 0 -> 1 (typed), 1 -> 2 (weak), 0 -> 3 (typed), 3 -> 2 (weak).
  using P = EdgeProvenance;
  HeapGraph graph = make_graph({0, 100, 200, 300}, {{0, 1, P::kTyped}, {1, 2, P::kWeak},
                                                    {0, 3, P::kTyped}, {3, 2, P::kWeak}});
  DominatorTree tree = dominator_tree(graph);
  CHECK_FALSE(tree.reached(2));
  CHECK(tree.retained[1] == 100);
  CHECK(tree.retained[3] == 300);
  std::vector<GraphNode> both = {1, 3};
  CHECK(retained_by_set(graph, both).bytes == 400);

  HeapGraph alone = make_graph({0}, {});
  DominatorTree single = dominator_tree(alone);
  CHECK(single.idom == std::vector<GraphNode>{0});
  CHECK(single.retained == std::vector<uint64_t>{0});
}

TEST_CASE("retained size with edges cut: what a variable's own pointers alone keep", "[dominators]") {
  using heapwalk::walker::retained_by_cut;
  using P = EdgeProvenance;
  // Root label 0 ("a") -> 1 -> 2; root label 1 ("b") -> 2; 1 -> 3 (only through a).
  HeapGraphBuilder builder({0, 10, 20, 30});
  builder.add_edge(0, 1, P::kTyped, /*where=*/0);
  builder.add_edge(0, 2, P::kTyped, /*where=*/1);
  builder.add_edge(1, 2, P::kTyped);
  builder.add_edge(1, 3, P::kTyped);
  HeapGraph graph = std::move(builder).build();
  auto cut_root_label = [&](uint32_t label) {
    return [&graph, label](GraphNode from, uint32_t edge) {
      return from == 0 && graph.where_of(edge) == label;
    };
  };
  auto a = retained_by_cut(graph, cut_root_label(0));
  CHECK(a.count == 2);  // 1 and 3; 2 is also b's
  CHECK(a.bytes == 10 + 30);
  auto b = retained_by_cut(graph, cut_root_label(1));
  CHECK(b.count == 0);  // 2 stays reachable through 1
  auto none = retained_by_cut(graph, [](GraphNode, uint32_t) { return false; });
  CHECK(none.count == 0);
}

TEST_CASE("the dominator and path passes stop when asked", "[dominators]") {
  const GraphNode n = 3'000'001;
  HeapGraphBuilder builder(std::vector<uint64_t>(n, 8));
  for (GraphNode v = 0; v + 1 < n; ++v) builder.add_edge(v, v + 1, EdgeProvenance::kTyped);
  HeapGraph graph = std::move(builder).build();
  int asked = 0;
  std::function<bool()> stop = [&] { return ++asked >= 2; };
  CHECK_THROWS_AS(dominator_tree(graph, EdgeFilter::kOwning, stop),
                  heapwalk::walker::Interrupted);
  asked = 0;
  CHECK_THROWS_AS(heapwalk::walker::shortest_paths(graph, EdgeFilter::kOwning, stop),
                  heapwalk::walker::Interrupted);
  std::function<bool()> never = [] { return false; };
  CHECK(dominator_tree(graph, EdgeFilter::kOwning, never).retained[1] == 8ull * (n - 1));
}

TEST_CASE("the two-thread dominator pass stops in every phase", "[dominators]") {
  // A chain with edges back to its start: every phase asks a few times whether to stop; stop at
  // each ask in turn (the second thread is told to stop and joined, whatever it was doing).
  const GraphNode n = 3'000'001;
  HeapGraphBuilder builder(std::vector<uint64_t>(n, 8));
  for (GraphNode v = 0; v + 1 < n; ++v) {
    builder.add_edge(v, v + 1, EdgeProvenance::kTyped);
    if (v % 3 == 2) builder.add_edge(v, 1, EdgeProvenance::kTyped);
  }
  HeapGraph graph = std::move(builder).build();
  heapwalk::walker::DominatorTuning tuning;
  tuning.block = 1000;
  int completed = 0;
  for (int at = 1; at <= 16; ++at) {
    int asked = 0;
    std::function<bool()> stop = [&] { return ++asked >= at; };
    try {
      DominatorTree tree = dominator_tree(graph, EdgeFilter::kOwning, stop, tuning);
      CHECK(tree.retained[1] == 8ull * (n - 1));
      ++completed;
    } catch (const heapwalk::walker::Interrupted&) {
    }
  }
  CHECK(completed < 16);
}

TEST_CASE("what cut edges reach: a variable's deep size", "[dominators]") {
  using heapwalk::walker::reached_through;
  using P = EdgeProvenance;
  // Root label 0 -> 1 -> 2 -> 3; root label 1 -> 3; 2 -> 4 weak.
  HeapGraphBuilder builder({0, 10, 20, 30, 40});
  builder.add_edge(0, 1, P::kTyped, 0);
  builder.add_edge(0, 3, P::kTyped, 1);
  builder.add_edge(1, 2, P::kTyped);
  builder.add_edge(2, 3, P::kConservative);
  builder.add_edge(2, 4, P::kWeak);
  HeapGraph graph = std::move(builder).build();
  auto label0 = [&graph](GraphNode from, uint32_t edge) {
    return from == 0 && graph.where_of(edge) == 0;
  };
  auto deep = reached_through(graph, label0);
  CHECK(deep.count == 3);  // 1, 2, 3 (shared with label 1, still deep); never the weak 4
  CHECK(deep.bytes == 60);
  CHECK(reached_through(graph, label0, EdgeFilter::kTypedOnly).count == 2);
}
