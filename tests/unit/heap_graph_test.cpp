// The heap graph's compact storage: the builder's blocks placed into CSR (each source's edges
// in the order they were added, across block boundaries), sizes from an allocation table, and
// the two-byte kinds with their four-byte fallback.
#include <catch2/catch.hpp>

#include <random>

#include "walker/graph/heap_graph.h"

using namespace heapwalk;
using walker::EdgeProvenance;
using walker::GraphNode;

TEST_CASE("the builder places every edge in CSR, in the order added per source", "[graph]") {
  std::mt19937 random(7);
  const size_t nodes = 1000, edges = 200000;  // three blocks and a part
  struct Edge {
    GraphNode from, to;
    EdgeProvenance p;
    uint32_t where;
  };
  std::vector<Edge> added;
  walker::HeapGraphBuilder builder(std::vector<uint64_t>(nodes, 16));
  for (size_t e = 0; e < edges; ++e) {
    Edge x{static_cast<GraphNode>(random() % nodes), static_cast<GraphNode>(random() % nodes),
           static_cast<EdgeProvenance>(random() % 3), static_cast<uint32_t>(random())};
    added.push_back(x);
    builder.add_edge(x.from, x.to, x.p, x.where);
  }
  walker::HeapGraph graph = std::move(builder).build();
  REQUIRE(graph.node_count() == nodes);
  REQUIRE(graph.edge_count() == edges);
  std::vector<std::vector<Edge>> by_source(nodes);
  for (const Edge& x : added) by_source[x.from].push_back(x);
  bool same = true;
  for (GraphNode n = 0; n < nodes; ++n) {
    auto targets = graph.targets(n);
    auto provenance = graph.provenance(n);
    same = same && targets.size() == by_source[n].size();
    for (size_t i = 0; same && i < targets.size(); ++i) {
      const Edge& x = by_source[n][i];
      same = targets[i] == x.to && provenance[i] == x.p &&
             graph.where_of(graph.first_edge(n) + i) == x.where;
    }
  }
  CHECK(same);
  CHECK(graph.size(5) == 16);
}

TEST_CASE("a graph built over an allocation table reads its sizes there", "[graph]") {
  walker::AllocationTable table;
  table.add(0x1000, 24);
  table.add(0x2000, 40);
  table.finish();
  walker::HeapGraphBuilder builder(table);
  builder.add_edge(walker::kRootNode, 1, EdgeProvenance::kTyped);
  builder.add_edge(1, 2, EdgeProvenance::kConservative, 8);
  walker::HeapGraph graph = std::move(builder).build();
  REQUIRE(graph.node_count() == 3);
  CHECK(graph.size(walker::kRootNode) == 0);
  CHECK(graph.size(1) == 24);
  CHECK(graph.size(2) == 40);
  CHECK(graph.where_of(graph.first_edge(1)) == 8);
}

TEST_CASE("node kinds take two bytes each unless an id does not fit", "[graph]") {
  walker::NodeKinds narrow = std::vector<walker::KindId>{3, walker::kNoKind, 65534};
  CHECK(narrow.size() == 3);
  CHECK(narrow[0] == 3);
  CHECK(narrow[1] == walker::kNoKind);
  CHECK(narrow[2] == 65534);
  CHECK(narrow.memory_bytes() == 3 * sizeof(uint16_t));
  walker::NodeKinds wide = std::vector<walker::KindId>{3, walker::kNoKind, 65535, 70000};
  CHECK(wide[1] == walker::kNoKind);
  CHECK(wide[2] == 65535);
  CHECK(wide[3] == 70000);
  CHECK(wide.memory_bytes() == 4 * sizeof(walker::KindId));
}
