// An expression's own edges, selected in a synthetic process graph (heap size EXPR, heap
// partition --root EXPR): in an allocation, the out-edges from its bytes (and the static objects
// they point at); a variable, the root edges of its label, found by address and name, so that
// same-named locals of two frames and a same-named global are three different subjects.
#include <catch2/catch.hpp>

#include "walker/analysis/expression_edges.h"

using namespace heapwalk;
using walker::EdgeFilter;
using walker::EdgeProvenance;
using walker::GraphNode;

namespace {

// Allocations A (0x1000, 40 usable: what malloc gives for 32 bytes), B … F (24 bytes each),
// graph nodes 1 … 6. A: +0 → B, +8 → C, +16 → D (conservative), +24 → E (weak), and at +8 a
// pointer to a static object too; B: +0 → A. Roots: 0 "g" (at 0x9000) → A, 1 a global "x"
// (0x9008) → E, 2 and 3 the locals "x" of two threads (0x7ff0, 0x7ff8) → B and D; label 4 the
// static object (named after thread #1's x, whose walk met it first) → F.
struct Graph {
  walker::AllocationTable table;
  walker::ProcessGraph graph;
  enum : GraphNode { A = 1, B, C, D, E, F };

  Graph() {
    table.add(0x1000, 40);
    for (uint64_t a = 0x2000; a <= 0x6000; a += 0x1000) table.add(a, 24);
    table.finish();
    walker::HeapGraphBuilder builder(table);
    builder.add_edge(A, B, EdgeProvenance::kTyped, 0);
    builder.add_edge(A, C, EdgeProvenance::kTyped, 8);
    builder.add_edge(A, D, EdgeProvenance::kConservative, 16);
    builder.add_edge(A, E, EdgeProvenance::kWeak, 24);
    builder.add_edge(B, A, EdgeProvenance::kTyped, 0);
    builder.add_edge(walker::kRootNode, A, EdgeProvenance::kTyped, 0);
    builder.add_edge(walker::kRootNode, E, EdgeProvenance::kTyped, 1);
    builder.add_edge(walker::kRootNode, B, EdgeProvenance::kTyped, 2);
    builder.add_edge(walker::kRootNode, D, EdgeProvenance::kTyped, 3);
    builder.add_edge(walker::kRootNode, F, EdgeProvenance::kTyped, 4);
    graph.graph = std::move(builder).build();
    graph.root_labels = {"g", "x", "thread #1 frame #0 f(): x", "thread #2 frame #0 f(): x",
                         "thread #1 frame #0 f(): x"};
    graph.root_addresses = {0x9000, 0x9008, 0x7ff0, 0x7ff8};
    graph.typed_roots = 4;
    graph.static_roots = 2;
    graph.static_objects = 4;
    graph.static_refs = {{A, 8, 4, EdgeProvenance::kTyped}};
    // A is typed as a G (layout kG), by its only kind; the others are untyped.
    graph.kinds = std::vector<walker::KindId>{0, walker::kNoKind, walker::kNoKind, walker::kNoKind,
                                              walker::kNoKind, walker::kNoKind};
    graph.kind_layouts = {walker::KindLayout{kG}};
  }
  static constexpr uint32_t kG = 7, kMember = 8;
  std::vector<uint8_t> bytes;  // the expression's, for a member of a root

  walker::ExpressionEdges edges(uint64_t address, uint64_t size, const std::string& name,
                                uint32_t layout = kMember) const {
    return walker::expression_edges(graph, table, address, size, name, layout, bytes);
  }
  // The graph nodes the expression's edges reach.
  std::vector<GraphNode> reached(const walker::ExpressionEdges& e,
                                 EdgeFilter filter = EdgeFilter::kOwning) const {
    std::vector<uint8_t> seen = walker::reached_from_expression(graph, e, filter);
    std::vector<GraphNode> out;
    for (GraphNode n = 1; n < seen.size(); ++n)
      if (seen[n]) out.push_back(n);
    return out;
  }
  // Which of `from`'s out-edges (by target) the expression owns.
  std::vector<GraphNode> selected(const walker::ExpressionEdges& e, GraphNode from) const {
    std::vector<GraphNode> out;
    for (uint32_t edge = graph.graph.first_edge(from); edge < graph.graph.first_edge(from + 1); ++edge)
      if (e.selects(graph.graph, from, edge)) out.push_back(graph.graph.target_of(edge));
    return out;
  }
};

using V = std::vector<GraphNode>;

}  // namespace

TEST_CASE("expression edges: a local is its own frame's root, not a same-named one",
          "[graph][size][partition]") {
  Graph g;
  auto first = g.edges(0x7ff0, 8, "x");
  REQUIRE(first.located);
  CHECK(first.root_labels == std::vector<uint32_t>{2, 4});  // and the static object named after it
  CHECK_FALSE(first.whole);
  CHECK(g.selected(first, walker::kRootNode) == V{Graph::B, Graph::F});
  CHECK(g.selected(first, Graph::A).empty());
  // B, and back to A, whose edges are followed then; E only weakly.
  CHECK(g.reached(first) == V{Graph::A, Graph::B, Graph::C, Graph::D, Graph::F});
  CHECK(g.reached(first, EdgeFilter::kTypedOnly) == V{Graph::A, Graph::B, Graph::C, Graph::F});

  auto second = g.edges(0x7ff8, 8, "x");
  CHECK(second.root_labels == std::vector<uint32_t>{3});
  CHECK(g.reached(second) == V{Graph::D});
  auto global = g.edges(0x9008, 8, "x");
  CHECK(global.root_labels == std::vector<uint32_t>{1});
  CHECK(g.reached(global) == V{Graph::E});
}

TEST_CASE("expression edges: a name or a member that is no root of its own is not located",
          "[graph][size][partition]") {
  Graph g;
  CHECK_FALSE(g.edges(0x7ff0, 8, "y").located);    // another variable's address
  CHECK_FALSE(g.edges(0x9100, 8, "h").located);    // nothing there
  CHECK_FALSE(g.edges(0x9100, 8, "*g").located);   // what g points to, were it static
  CHECK(g.edges(0x9000, 8, "g").located);
}

TEST_CASE("expression edges: a member of a root, by the allocations its words point into",
          "[graph][size][partition]") {
  Graph g;
  // Thread #1's x at 0x7ff0 is a struct whose member at +0 holds 0x2010 (into B) and a number.
  g.bytes = {0x10, 0x20, 0, 0, 0, 0, 0, 0, 0x42, 0, 0, 0, 0, 0, 0, 0};
  auto member = g.edges(0x7ff0, 16, "x.items");
  REQUIRE(member.located);
  CHECK(member.root_labels.empty());
  CHECK(g.selected(member, walker::kRootNode) == V{Graph::B});  // not thread #2's x's D
  CHECK(g.reached(member) == V{Graph::A, Graph::B, Graph::C, Graph::D, Graph::F});
  // Words into an allocation its variable has no edge to select nothing.
  g.bytes = {0, 0x30, 0, 0, 0, 0, 0, 0};
  auto other = g.edges(0x7ff0, 8, "x.other");
  CHECK(other.located);
  CHECK(g.selected(other, walker::kRootNode).empty());
  // The variable must be the path's first name, at or below the member.
  CHECK_FALSE(g.edges(0x7ff0, 8, "y.items").located);
  CHECK_FALSE(g.edges(0x7000, 8, "x.items").located);
}

TEST_CASE("expression edges: a label's ABI tags and namespace need not be spelled",
          "[graph][size][partition]") {
  Graph g;
  g.graph.root_labels[0] = "ns::g[abi:cxx11]";
  g.graph.root_labels[2] = "thread #1 frame #0 f(): x[abi:cxx11]";
  CHECK(g.edges(0x9000, 8, "g").root_labels == std::vector<uint32_t>{0});
  CHECK(g.edges(0x9000, 8, "ns::g").root_labels == std::vector<uint32_t>{0});
  CHECK_FALSE(g.edges(0x9000, 8, "s::g").located);
  CHECK(g.edges(0x7ff0, 8, "x").root_labels == std::vector<uint32_t>{2});  // no static object now
}

TEST_CASE("expression edges: in an allocation, the out-edges from its own bytes",
          "[graph][size][partition]") {
  Graph g;
  // A's member at +8: C, and the static object its pointer leads to (F).
  auto member = g.edges(0x1008, 8, "g->c");
  REQUIRE(member.located);
  CHECK(member.root_labels.empty());
  CHECK_FALSE(member.whole);
  CHECK(g.selected(member, Graph::A) == V{Graph::C});
  CHECK(g.selected(member, Graph::B).empty());
  CHECK(g.selected(member, walker::kRootNode).empty());
  CHECK(g.reached(member) == V{Graph::C, Graph::F});
  // At +0: B, which leads back to A, so A and all it reaches are in the set.
  auto first = g.edges(0x1000, 8, "g->b");
  CHECK_FALSE(first.whole);
  CHECK(g.selected(first, Graph::A) == V{Graph::B});
  CHECK(g.reached(first) == V{Graph::A, Graph::B, Graph::C, Graph::D, Graph::F});
  // The weak word's bytes: nothing is reached through it.
  CHECK(g.reached(g.edges(0x1018, 8, "g->weak")).empty());
}

TEST_CASE("expression edges: a whole heap object is in its own set, with every out-edge",
          "[graph][size][partition]") {
  Graph g;
  auto whole = g.edges(0x1000, 32, "*g", Graph::kG);
  REQUIRE(whole.located);
  CHECK(whole.whole);
  CHECK(g.selected(whole, Graph::A) == V{Graph::B, Graph::C, Graph::D, Graph::E});
  CHECK(g.reached(whole) == V{Graph::A, Graph::B, Graph::C, Graph::D, Graph::F});
  CHECK(g.reached(whole, EdgeFilter::kTypedOnly) == V{Graph::A, Graph::B, Graph::C, Graph::F});
  // The same bytes as a smaller type are not the whole allocation: what +0..+24 hold.
  auto part = g.edges(0x1000, 24, "g->part", Graph::kG);
  CHECK_FALSE(part.whole);
  CHECK(g.selected(part, Graph::A) == V{Graph::B, Graph::C, Graph::D});
  // Nor is a first member of the object's size (a struct holding one member): its own edges.
  auto member = g.edges(0x1000, 32, "g->all", Graph::kMember);
  CHECK_FALSE(member.whole);
  CHECK(g.selected(member, Graph::A) == V{Graph::B, Graph::C, Graph::D, Graph::E});
  CHECK(g.reached(member) == V{Graph::A, Graph::B, Graph::C, Graph::D, Graph::F});  // back via B
}
