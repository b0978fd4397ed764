// Which roots reach what, read from a graph the typed walk builds: a static object walked
// through a pointer (outside every root's extent, or reached through the heap) has a label of its
// own and the pointers to it are recorded, so that the reach from one root's label goes through
// it exactly when that root reaches it (heap partition --root over the process graph).
#include <catch2/catch.hpp>

#include "layout_world.h"
#include "walker/analysis/root_reach.h"

using namespace heapwalk;
using test::World;
using walker::EdgeFilter;
using walker::EdgeProvenance;
using walker::GraphNode;

namespace {

constexpr uint64_t H = World::kHeap, S = World::kStatic;

// Two roots: `a` (a PNode* at S) points at a PNode in static storage outside both roots, `b` (a
// PNode* at S + 8) at a heap PNode whose next is that same static PNode; the static PNode's
// payload is a heap Leaf. Labels: 0 = a, 1 = b.
struct TwoRoots {
  World w;
  uint64_t node = 0, leaf = 0, other = 0, object = S + 0x100;
  walker::ProcessGraph graph;

  explicit TwoRoots(bool label_static_objects) {
    node = w.alloc(H, 24);
    leaf = w.alloc(H + 0x100, 24);
    other = w.alloc(H + 0x200, 24);
    uint64_t pnode = w.program.vptr("PNode");
    w.put(object, pnode), w.put(object + 16, leaf);
    w.put(node, pnode), w.put(node + 8, object), w.put(node + 16, other);
    w.put(S, object), w.put(S + 8, node);
    w.table.finish();
    walker::HeapGraphBuilder builder(w.table);
    walker::HeapReach reach({w.memory, w.table, w.types, w.dynamic, w.erasure, w.kinds});
    reach.record_edges([&](GraphNode from, uint32_t where, GraphNode to, EdgeProvenance p) {
      builder.add_edge(from, to, p, where);
    });
    if (label_static_objects)
      reach.label_static_objects(2, [&](GraphNode from, uint32_t where, uint32_t unit,
                                        EdgeProvenance p) {
        graph.static_refs.push_back({from, where, unit, p});
      });
    auto layout = w.pointer_id("PNode");
    reach.add_typed_root(S, layout, 0);
    reach.add_typed_root(S + 8, layout, 1);
    REQUIRE(reach.run());
    graph.root_labels = {"a", "b"};
    if (label_static_objects) {
      graph.static_objects = 2;
      for (uint32_t name : reach.static_object_names()) graph.root_labels.push_back(graph.root_labels[name]);
    }
    graph.graph = std::move(builder).build();
    walker::finish_static_refs(graph);
  }
  // The allocations (by address) the roots with these labels reach.
  std::vector<uint64_t> reached(std::vector<uint32_t> labels) const {
    auto seen = walker::reached_from_labels(graph, EdgeFilter::kOwning, [&](uint32_t l) {
      return std::find(labels.begin(), labels.end(), l) != labels.end();
    });
    std::vector<uint64_t> out;
    for (GraphNode n = 1; n < seen.size(); ++n)
      if (seen[n]) out.push_back(w.table.address(n - 1));
    return out;
  }
};

}  // namespace

TEST_CASE("root reach: a static object outside every root is reached from each root that reaches it",
          "[graph][partition]") {
  TwoRoots t(true);
  REQUIRE(t.w.program.valid());
  // One static object, walked once (from b's walk, which runs first), with a label of its own
  // named after b; a's pointer and b's heap node's pointer to it are both recorded.
  REQUIRE(t.graph.root_labels.size() == 3);
  CHECK(t.graph.root_labels[2] == "b");
  REQUIRE(t.graph.static_refs.size() == 2);
  CHECK(t.graph.static_refs[0].from == walker::kRootNode);  // a
  CHECK(t.graph.static_refs[0].where == 0);
  CHECK(t.graph.static_refs[1].from == *t.w.table.find(t.node) + 1);  // b's node, at next
  CHECK(t.graph.static_refs[1].where == 8);
  CHECK(t.reached({0}) == std::vector<uint64_t>{t.leaf});
  CHECK(t.reached({1}) == std::vector<uint64_t>{t.node, t.leaf, t.other});
  CHECK(t.reached({0, 1}) == std::vector<uint64_t>{t.node, t.leaf, t.other});
}

TEST_CASE("root reach: without its own label, a static object's edges go to one root only",
          "[graph][partition]") {
  // What the graph did before (and still does when static objects are not labelled): a's reach
  // misses the Leaf the static object holds, since its edges carry b's label.
  TwoRoots t(false);
  CHECK(t.graph.static_refs.empty());
  CHECK(t.reached({0}).empty());
  CHECK(t.reached({1}) == std::vector<uint64_t>{t.node, t.leaf, t.other});
}

TEST_CASE("root reach: pointers to static objects with no edge onward are dropped",
          "[graph][partition]") {
  walker::ProcessGraph g;
  walker::HeapGraphBuilder builder(std::vector<uint64_t>{0, 16, 16});
  // Labels: 0 a root; 1, 2, 3 static objects. 3 has an edge (to node 2); 2 points at 3; 1 at
  // nothing that leads anywhere.
  builder.add_edge(walker::kRootNode, 2, EdgeProvenance::kTyped, 3);
  builder.add_edge(walker::kRootNode, 1, EdgeProvenance::kTyped, 0);
  g.graph = std::move(builder).build();
  g.root_labels = {"r", "x", "y", "z"};
  g.static_objects = 1;
  g.static_refs = {{1, 0, 2, EdgeProvenance::kTyped},
                   {walker::kRootNode, 0, 1, EdgeProvenance::kTyped},
                   {walker::kRootNode, 2, 3, EdgeProvenance::kTyped},
                   {walker::kRootNode, 2, 3, EdgeProvenance::kTyped}};
  walker::finish_static_refs(g);
  REQUIRE(g.static_refs.size() == 2);
  CHECK(g.static_refs[0].where == 2);  // sorted: (0, 2) -> 3, then (1, 0) -> 2
  CHECK(g.static_refs[1].from == 1);
  // Root r reaches node 1, which points at 2, which points at 3, which holds node 2.
  auto seen = walker::reached_from_labels(g, EdgeFilter::kOwning, [](uint32_t l) { return l == 0; });
  CHECK(seen == std::vector<uint8_t>{1, 1, 1});
  // A weak pointer keeps nothing.
  g.static_refs[1].provenance = EdgeProvenance::kWeak;
  seen = walker::reached_from_labels(g, EdgeFilter::kOwning, [](uint32_t l) { return l == 0; });
  CHECK(seen == std::vector<uint8_t>{1, 1, 0});
}
