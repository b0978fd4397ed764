// The arrays ledger's owner counts (shared buffers) from passes over the out-edges, against the
// definition read off the in-edges (the full reverse index the ledger used to build), on random
// graphs with control blocks and make_shared blocks among the owners.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>

#include "synthetic_graph.h"
#include "walker/analysis/array_owners.h"
#include "walker/analysis/process_graph.h"
#include "walker/graph/reverse_edges.h"

using namespace heapwalk;
using walker::EdgeProvenance;
using walker::GraphNode;
using walker::KindId;

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The distinct nodes other than n with a typed edge into n.
std::vector<GraphNode> typed_owners(const walker::HeapGraph& graph, const walker::ReverseEdges& in,
                                    GraphNode n) {
  std::vector<GraphNode> owners;
  for (size_t i = 0; i < in.edges(n).size(); ++i)
    if (graph.provenance_of(in.edges(n)[i]) == EdgeProvenance::kTyped && in.sources(n)[i] != n)
      owners.push_back(in.sources(n)[i]);
  std::sort(owners.begin(), owners.end());
  owners.erase(std::unique(owners.begin(), owners.end()), owners.end());
  return owners;
}

// The definition, as the in-edges show it.
// `through_holder` counts the arrays whose one owner shared_ptrs hold.
uint64_t oracle_owners(const walker::ProcessGraph& graph, const walker::KindTable& kinds,
                       GraphNode n, uint64_t& through_holder) {
  const walker::ReverseEdges& in = graph.graph.in_edges();
  auto kind = [&](GraphNode m) -> std::string {
    if (m == 0) return "<root>";
    KindId k = graph.kinds[m - 1];
    return k == walker::kNoKind ? "<unreached>" : kinds.name(k);
  };
  std::vector<GraphNode> owners = typed_owners(graph.graph, in, n);
  if (owners.size() != 1 || owners[0] == 0) return std::max<size_t>(owners.size(), 1);
  GraphNode holder = owners[0];
  bool shared = ends_with(kind(holder), " (make_shared)");
  for (GraphNode s : in.sources(holder))
    if (s != 0 && ends_with(kind(s), " control block")) shared = true;
  if (!shared) return 1;
  ++through_holder;
  uint64_t count = 0;
  for (GraphNode h : typed_owners(graph.graph, in, holder))
    if (h == 0 || !ends_with(kind(h), " control block")) ++count;
  return std::max<uint64_t>(count, 1);
}

}  // namespace

TEST_CASE("array owners match the in-edge definition on random graphs", "[array_ledger]") {
  walker::KindTable kinds;
  const std::vector<KindId> named = {
      kinds.intern("float[]"), kinds.intern("Proj"), kinds.intern("Proj (make_shared)"),
      kinds.intern("std::_Sp_counted_ptr<Proj*> control block"), kinds.intern("CF")};
  uint64_t shared_seen = 0, holders_seen = 0;
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    std::mt19937 random(seed);
    const size_t n = 1 + random() % 40;
    walker::ProcessGraph graph;
    std::vector<KindId> node_kinds(n);
    for (KindId& k : node_kinds) k = random() % 6 == 0 ? walker::kNoKind : named[random() % named.size()];
    graph.kinds = node_kinds;
    walker::HeapGraphBuilder builder(test::allocation_sizes(n, 16));
    size_t m = random() % (3 * n + 1);
    for (size_t e = 0; e < m; ++e) {
      GraphNode from = random() % (n + 1), to = 1 + random() % n;
      auto p = random() % 4 ? EdgeProvenance::kTyped : static_cast<EdgeProvenance>(random() % 3);
      builder.add_edge(from, to, p);
      if (random() % 8 == 0) builder.add_edge(from, to, p);  // the same pointer twice
    }
    graph.graph = std::move(builder).build();
    std::vector<uint8_t> wanted(n);
    for (uint8_t& w : wanted) w = random() % 3 != 0;
    walker::ArrayOwners owners(kinds, graph, wanted);
    INFO("seed " << seed);
    for (size_t a = 0; a < n; ++a) {
      if (!wanted[a]) continue;
      uint64_t expected = oracle_owners(graph, kinds, walker::graph_node(a), holders_seen);
      CHECK(owners.owners(walker::graph_node(a)) == expected);
      shared_seen += expected > 1;
    }
  }
  // The random graphs do share buffers, both ways.
  CHECK(shared_seen > 100);
  CHECK(holders_seen > 50);
}

TEST_CASE("array owners: a make_shared buffer counts its shared_ptrs, not the control block",
          "[array_ledger]") {
  walker::KindTable kinds;
  KindId floats = kinds.intern("float[]"), block = kinds.intern("Proj (make_shared)"),
         control = kinds.intern("std::_Sp_counted_ptr<Proj*> control block"),
         holder = kinds.intern("CF"), plain = kinds.intern("Proj");
  // 1 float[] held by 2 (make_shared); 2 held by 3, 4, 5 (CFs) and 6 (a control block).
  // 7 float[] held by 8 (a plain Proj) that a control block (6) points to, held by 3 and 4.
  // 9 float[] held by 8 and 3: two owners. 10 float[] held by the root only.
  walker::ProcessGraph graph;
  graph.kinds = std::vector<KindId>{floats, block, holder, holder, holder, control, floats, plain,
                                    floats, floats};
  constexpr auto typed = EdgeProvenance::kTyped;
  graph.graph = test::make_graph(
      test::allocation_sizes(10, 16),
      {{2, 1, typed}, {3, 2, typed}, {4, 2, typed}, {5, 2, typed}, {6, 2, typed}, {8, 7, typed},
       {3, 8, typed}, {4, 8, typed}, {8, 9, typed}, {3, 9, typed}, {0, 10, typed},
       {6, 8, EdgeProvenance::kConservative}});  // any edge from a control block
  std::vector<uint8_t> wanted = {1, 0, 0, 0, 0, 0, 1, 0, 1, 1};
  walker::ArrayOwners owners(kinds, graph, wanted);
  CHECK(owners.owners(1) == 3);
  CHECK(owners.owners(7) == 2);
  CHECK(owners.owners(9) == 2);
  CHECK(owners.owners(10) == 1);
}
