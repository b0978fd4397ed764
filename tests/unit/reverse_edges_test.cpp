// The in-edges of a heap graph (walker/graph/reverse_edges.h) against a scan of every edge.
#include <catch2/catch.hpp>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "walker/graph/reverse_edges.h"

using heapwalk::walker::EdgeProvenance;
using heapwalk::walker::GraphNode;
using heapwalk::walker::HeapGraph;
using heapwalk::walker::HeapGraphBuilder;
using heapwalk::walker::ReverseEdges;

namespace {

// (edge, source) of every edge into each node, in the order a scan of every edge meets them.
std::vector<std::vector<std::pair<uint32_t, GraphNode>>> scanned(const HeapGraph& graph) {
  std::vector<std::vector<std::pair<uint32_t, GraphNode>>> in(graph.node_count());
  for (GraphNode from = 0; from < graph.node_count(); ++from)
    for (uint32_t e = graph.first_edge(from); e < graph.first_edge(from + 1); ++e)
      in[graph.target_of(e)].emplace_back(e, from);
  return in;
}

}  // namespace

TEST_CASE("in-edges equal a scan of every edge on random graphs", "[reverse_edges]") {
  std::mt19937 random(20261201);
  for (int round = 0; round < 300; ++round) {
    const size_t n = 1 + random() % 200;
    const size_t m = random() % (5 * n + 1);
    HeapGraphBuilder builder(std::vector<uint64_t>(n, 16));
    for (size_t e = 0; e < m; ++e) {
      uint32_t r = random() % 10;
      auto p = r < 6 ? EdgeProvenance::kTyped
                     : r < 8 ? EdgeProvenance::kConservative : EdgeProvenance::kWeak;
      // Skewed: some nodes get many in-edges (and self-edges, parallel edges), some none.
      GraphNode to = static_cast<GraphNode>(random() % (random() % 3 ? n : (n + 7) / 8));
      builder.add_edge(static_cast<GraphNode>(random() % n), to, p,
                       static_cast<uint32_t>(random() % 64));
    }
    HeapGraph graph = std::move(builder).build();
    INFO("round " << round << ", " << n << " nodes, " << m << " edges");
    const ReverseEdges& reverse = graph.in_edges();
    REQUIRE(reverse.node_count() == n);
    REQUIRE(reverse.edge_count() == m);
    auto expected = scanned(graph);
    for (GraphNode v = 0; v < n; ++v) {
      auto edges = reverse.edges(v);
      auto sources = reverse.sources(v);
      REQUIRE(edges.size() == expected[v].size());
      REQUIRE(sources.size() == expected[v].size());
      for (size_t i = 0; i < edges.size(); ++i) {
        REQUIRE(edges[i] == expected[v][i].first);
        REQUIRE(sources[i] == expected[v][i].second);
        REQUIRE(graph.target_of(edges[i]) == v);
      }
    }
    // Built once: the same object on every call.
    REQUIRE(&graph.in_edges() == &reverse);
  }
}

TEST_CASE("in-edges of an empty graph, a copy, and from two threads", "[reverse_edges]") {
  HeapGraph empty;
  CHECK(empty.in_edges().node_count() == 0);
  CHECK(empty.in_edges().edge_count() == 0);

  HeapGraphBuilder builder({0, 8, 8});
  builder.add_edge(0, 1, EdgeProvenance::kTyped);
  builder.add_edge(1, 2, EdgeProvenance::kWeak);
  builder.add_edge(0, 2, EdgeProvenance::kConservative);
  builder.add_edge(2, 2, EdgeProvenance::kTyped);
  HeapGraph graph = std::move(builder).build();
  const ReverseEdges* seen[2] = {nullptr, nullptr};
  std::thread a([&] { seen[0] = &graph.in_edges(); });
  std::thread b([&] { seen[1] = &graph.in_edges(); });
  a.join();
  b.join();
  REQUIRE(seen[0] == seen[1]);
  const ReverseEdges& in = *seen[0];
  CHECK(in.edges(0).empty());
  REQUIRE(in.sources(2).size() == 3);
  CHECK(std::vector<GraphNode>(in.sources(2).begin(), in.sources(2).end()) ==
        std::vector<GraphNode>{0, 1, 2});
  HeapGraph copy = graph;
  CHECK(&copy.in_edges() == &in);  // a copy is the same graph: it shares them
  HeapGraph moved = std::move(copy);
  CHECK(&moved.in_edges() == &in);
}
