// Leaks, their direct/indirect split and the ledger's allocation buckets as functions of the
// process graph, on synthetic graphs: a fixed-point reach and Boost.Graph's strong_components
// are the oracles.
#include <catch2/catch.hpp>

#include <limits>
#include <random>
#include <tuple>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>

#include "synthetic_graph.h"
#include "synthetic_image.h"
#include "walker/analysis/leak_components.h"
#include "walker/analysis/leak_split.h"
#include "walker/analysis/leaks.h"
#include "walker/analysis/ledger.h"
#include "walker/graph/heap_reach.h"

using namespace heapwalk;
using test::allocation_sizes;
using test::Edge;
using test::make_graph;
using walker::EdgeProvenance;
using walker::GraphNode;
using walker::NodeId;

namespace {

// Reached from node 0 through any edge, by iterating to a fixed point (no stack, no queue).
std::vector<NodeId> oracle_leaks(size_t allocations, const std::vector<Edge>& edges) {
  std::vector<uint8_t> reached(allocations + 1, 0);
  reached[0] = 1;
  for (bool changed = true; changed;) {
    changed = false;
    for (auto [from, to, p] : edges)
      if (reached[from] && !reached[to]) reached[to] = changed = true;
  }
  std::vector<NodeId> leaked;
  for (GraphNode n = 1; n <= allocations; ++n)
    if (!reached[n]) leaked.push_back(n - 1);
  return leaked;
}

// The split as memcheck makes it, with Boost's components over the leaked subgraph: the
// lowest member of each component no other leaked component points into is direct.
std::vector<uint8_t> oracle_direct(const std::vector<NodeId>& leaked,
                                   const std::vector<Edge>& edges) {
  using G = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  std::vector<uint32_t> index(1 << 16, UINT32_MAX);
  for (uint32_t i = 0; i < leaked.size(); ++i) index[leaked[i] + 1] = i;
  G g(leaked.size());
  for (auto [from, to, p] : edges)
    if (index[from] != UINT32_MAX && index[to] != UINT32_MAX) boost::add_edge(index[from], index[to], g);
  std::vector<int> component(leaked.size());
  int count = leaked.empty() ? 0 : boost::strong_components(g, component.data());
  std::vector<uint8_t> entered(count, 0), chosen(count, 0), direct(leaked.size(), 0);
  for (auto [e, end] = boost::edges(g); e != end; ++e)
    if (component[boost::source(*e, g)] != component[boost::target(*e, g)])
      entered[component[boost::target(*e, g)]] = 1;
  for (uint32_t i = 0; i < leaked.size(); ++i)
    if (!entered[component[i]] && !chosen[component[i]]) direct[i] = chosen[component[i]] = 1;
  return direct;
}

}  // namespace

TEST_CASE("leaks_of: unreached through every kind of edge", "[leaks]") {
  // Graph nodes 1..9 are allocations 0..8; the comments name graph nodes.
  std::vector<Edge> edges = {
      {0, 1, EdgeProvenance::kTyped},         // 1 reached
      {1, 2, EdgeProvenance::kConservative},  // 2 reached conservatively
      {0, 3, EdgeProvenance::kWeak},          // 3 reached only weakly: a weak_ptr keeps it
      {3, 4, EdgeProvenance::kTyped},         // and what it holds
      {5, 6, EdgeProvenance::kTyped},         // 5 <-> 6: a leaked cycle
      {6, 5, EdgeProvenance::kConservative},
      {6, 7, EdgeProvenance::kTyped},         // 7: indirect
      {8, 1, EdgeProvenance::kTyped},         // 8 points at a reached object: still a leak
      {9, 9, EdgeProvenance::kTyped},         // 9 points at itself: direct
  };
  walker::HeapGraph graph = make_graph(allocation_sizes(9, 16), edges);
  CHECK(walker::leaks_of(graph) == std::vector<NodeId>{4, 5, 6, 7, 8});

  walker::ProcessGraph process;
  process.graph = std::move(graph);
  process.unnamed_leak = 99;
  // 8 has no name: the fallback.
  process.leak_names = walker::LeakNames(9, std::vector<NodeId>{4, 5, 6, 7}, {10, 11, 12, 13});
  auto report = walker::find_leaks(std::make_shared<const walker::ProcessGraph>(std::move(process)));
  REQUIRE(report);
  REQUIRE(report->leaks.size() == 5);
  std::vector<std::tuple<NodeId, uint32_t, bool>> got;
  for (const walker::Leak& leak : report->leaks) got.emplace_back(leak.node, leak.kind, leak.direct);
  // Allocations: the cycle {4, 5} has one direct member, its lowest; 6 is indirect; 7 and 8
  // stand alone.
  CHECK(got == std::vector<std::tuple<NodeId, uint32_t, bool>>{
                   {4, 10, true}, {5, 11, false}, {6, 12, false}, {7, 13, true}, {8, 99, true}});
  CHECK(report->direct == 3);
  CHECK(report->indirect == 2);
  CHECK(report->split.components == 4);
}

TEST_CASE("leaks_of and the split match the oracles on random graphs", "[leaks]") {
  for (uint32_t seed = 1; seed <= 200; ++seed) {
    std::mt19937 random(seed);
    const size_t n = 1 + random() % 60;
    std::vector<Edge> edges;
    size_t m = random() % (3 * n + 1);
    for (size_t e = 0; e < m; ++e) {
      GraphNode from = random() % (n + 1), to = 1 + random() % n;
      if (from == 0 && random() % 3) continue;  // few roots: many leaks
      edges.emplace_back(from, to, static_cast<EdgeProvenance>(random() % 3));
    }
    walker::ProcessGraph process;
    process.graph = make_graph(allocation_sizes(n, 16), edges);
    std::vector<NodeId> leaked = oracle_leaks(n, edges);
    INFO("seed " << seed);
    REQUIRE(walker::leaks_of(process.graph) == leaked);
    auto split = walker::split_leaks(process.graph, leaked);
    REQUIRE(split);
    CHECK(split->direct == oracle_direct(leaked, edges));
    auto report = walker::find_leaks(std::make_shared<const walker::ProcessGraph>(std::move(process)));
    REQUIRE(report);
    CHECK(report->direct == split->direct_count);
    CHECK(report->direct + report->indirect == leaked.size());
    // The report's own list, leak by leak: the same allocations, the same direct ones.
    std::vector<NodeId> listed;
    std::vector<uint8_t> direct;
    for (const walker::Leak& leak : report->leaks) {
      listed.push_back(leak.node);
      direct.push_back(leak.direct);
    }
    CHECK(listed == leaked);
    CHECK(direct == oracle_direct(leaked, edges));
  }
}

TEST_CASE("the split over a graph stops when interrupted", "[leaks]") {
  walker::HeapGraph graph = make_graph(allocation_sizes(3, 16), {{1, 2, EdgeProvenance::kTyped}});
  CHECK_FALSE(walker::split_leaks(graph, {0, 1, 2}, [] { return true; }));
  CHECK(walker::split_leaks(graph, {}, [] { return true; }));
}

TEST_CASE("the ledger's allocation buckets from reach flags and leaks", "[leaks][ledger]") {
  walker::AllocationTable table;
  table.add(0x1000, 100);                  // 0: typed object
  table.add(0x2000, 200);                  // 1: typed scalar array
  table.add(0x3000, 300);                  // 2: reached conservatively
  table.add(0x4000, 400, /*mmapped=*/true);  // 3: leaked, mmapped
  table.add_flagged(0x5000, 500, walker::AllocationTable::kBlockHead);  // 4: a block head
  table.add(0x6000, 600);                  // 5: typed at its start and reached conservatively
  table.finish();
  using walker::NodeStates;
  std::vector<uint8_t> flags = {
      NodeStates::kTyped,
      NodeStates::kTyped | walker::Reachability::kScalarArray,
      NodeStates::kConservative,
      0,
      NodeStates::kTyped,
      NodeStates::kTyped | NodeStates::kConservative,
  };
  std::vector<NodeId> leaked = {3};
  walker::AllocationBuckets b = walker::allocation_buckets(table, flags, leaked);
  CHECK(b.objects == 100 + 600);
  CHECK(b.arrays == 200);
  CHECK(b.conservative == 300);
  CHECK(b.leaked == 400);
  CHECK(b.mmapped_usable == 400);
}

TEST_CASE("the whole-process partition by kind over the graph", "[leaks][partition]") {
  using walker::EdgeFilter;
  // Graph nodes 1..7 are allocations 0..6. Root edges: label 0 (a static) reaches 1, label 1
  // (a thread's stack) reaches 5.
  walker::HeapGraphBuilder builder({0, 10, 20, 30, 40, 50, 60, 70});
  builder.add_edge(0, 1, EdgeProvenance::kTyped, 0);
  builder.add_edge(1, 2, EdgeProvenance::kTyped);
  builder.add_edge(1, 3, EdgeProvenance::kConservative);  // 3: reached conservatively only
  builder.add_edge(1, 4, EdgeProvenance::kWeak);          // 4: weakly only: never in the set
  builder.add_edge(2, 6, EdgeProvenance::kTyped);         // 6: typed, but into its middle
  builder.add_edge(0, 5, EdgeProvenance::kConservative, 1);
  builder.add_edge(5, 7, EdgeProvenance::kTyped);
  walker::ProcessGraph process;
  process.graph = std::move(builder).build();
  walker::KindTable kinds;
  walker::KindId a = kinds.intern("A"), b = kinds.intern("B"), conservative = kinds.intern("<c>");
  process.kinds = {a, b, walker::kNoKind, b, a, a, b};
  using walker::NodeStates;
  process.reach_flags = {NodeStates::kTyped, NodeStates::kTyped,      NodeStates::kConservative,
                         NodeStates::kTyped, NodeStates::kConservative, NodeStates::kConservative,
                         NodeStates::kTyped};
  auto rows = [](const walker::Partition& p) {
    std::vector<std::tuple<std::string, uint64_t, uint64_t, std::vector<uint32_t>>> out;
    for (const walker::PartitionRow& r : p.rows) out.emplace_back(r.kind, r.count, r.size, r.nodes);
    return out;
  };
  using Rows = std::vector<std::tuple<std::string, uint64_t, uint64_t, std::vector<uint32_t>>>;
  auto statics = [](uint32_t label) { return label == 0; };
  // Owning edges from the static root: 1 (A), 2 (B), 3 (<c>), 6 (A, by its interior pointer).
  walker::Partition all = walker::partition_reached(process, kinds, EdgeFilter::kOwning,
                                                    conservative, statics);
  CHECK(all.count == 4);
  CHECK(all.size == 10 + 20 + 30 + 60);
  CHECK(rows(all) == Rows{{"A", 2, 70, {0, 5}}, {"<c>", 1, 30, {2}}, {"B", 1, 20, {1}}});
  // Typed only: 3 is not reached; 6 is reached only in its middle: not counted.
  walker::Partition typed = walker::partition_reached(process, kinds, EdgeFilter::kTypedOnly,
                                                      conservative, statics);
  CHECK(rows(typed) == Rows{{"B", 1, 20, {1}}, {"A", 1, 10, {0}}});
  // Every root: 5 (stack, conservative) and what it holds too.
  walker::Partition process_wide =
      walker::partition_reached(process, kinds, EdgeFilter::kOwning, conservative);
  CHECK(process_wide.count == 6);
  CHECK(process_wide.size == 10 + 20 + 30 + 50 + 60 + 70);
}

TEST_CASE("the split over the graph's leak words equals the split from memory", "[leaks]") {
  // The builder's leak edges (for_each_leak_word) make the same split as the word scan of the
  // leaked blocks straight from memory, on random heaps.
  constexpr uint64_t kBase = 0x10000000;
  for (uint32_t seed = 1; seed <= 50; ++seed) {
    std::mt19937 random(seed);
    const size_t n = 2 + random() % 200;
    std::vector<uint64_t> starts;
    uint64_t at = kBase;
    for (size_t i = 0; i < n; ++i) {
      starts.push_back(at);
      at += 64 + 16;
    }
    test::SyntheticImage memory;
    memory.add_region(kBase, at - kBase);
    walker::AllocationTable table;
    for (uint64_t s : starts) table.add(s, 64);
    table.finish();
    for (size_t i = 0; i < n; ++i)
      for (uint64_t w = 0; w < 8; ++w)
        if (random() % 4 == 0) memory.put(starts[i] + 8 * w, starts[random() % n] + random() % 64);
    std::vector<NodeId> leaked;
    for (NodeId v = 0; v < n; ++v)
      if (random() % 3) leaked.push_back(v);
    walker::HeapGraphBuilder builder(std::vector<uint64_t>(n + 1, 64));
    REQUIRE(walker::for_each_leak_word(memory, table, leaked, [&](uint32_t i, uint64_t offset, uint32_t j) {
      builder.add_edge(leaked[i] + 1, leaked[j] + 1, EdgeProvenance::kConservative,
                       static_cast<uint32_t>(offset));
    }));
    walker::HeapGraph graph = std::move(builder).build();
    INFO("seed " << seed);
    auto from_graph = walker::split_leaks(graph, leaked);
    auto from_memory = walker::split_leaks(memory, table, leaked);
    REQUIRE(from_graph);
    REQUIRE(from_memory);
    CHECK(from_graph->direct == from_memory->direct);
    CHECK(from_graph->components == from_memory->components);
  }
}
