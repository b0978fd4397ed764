// Edge labels and paths as C++ on a synthetic graph: the member names come from a table (what
// the debug info would answer), the keys and array cookies from a synthetic memory image.
#include <catch2/catch.hpp>

#include <array>
#include <map>
#include <utility>

#include "synthetic_image.h"
#include "walker/analysis/edge_labels.h"

using namespace heapwalk;
using walker::EdgeProvenance;
using walker::GraphNode;

namespace {

// The debug info's answers, as a table.
class TableMemberNames final : public typeinfo::MemberNames {
 public:
  std::map<uint32_t, uint64_t> sizes;
  std::map<std::pair<uint32_t, uint64_t>, std::string> members, second_members;
  std::map<uint32_t, typeinfo::PairMembers> pairs;

  uint64_t size(typeinfo::LayoutId layout) override { return sizes.at(layout); }
  std::string member_at(typeinfo::LayoutId layout, uint64_t offset) override {
    auto it = members.find({layout, offset});
    return it == members.end() ? "" : it->second;
  }
  std::optional<typeinfo::PairMembers> pair(typeinfo::LayoutId layout) override {
    auto it = pairs.find(layout);
    if (it == pairs.end()) return std::nullopt;
    return it->second;
  }
  std::string second_member_at(typeinfo::LayoutId layout, uint64_t offset) override {
    auto it = second_members.find({layout, offset});
    return it == second_members.end() ? "" : it->second;
  }
};

// The edge from `from` to `to` (the first, when there are several).
uint32_t edge_to(const walker::HeapGraph& g, GraphNode from, GraphNode to) {
  for (uint32_t e = g.first_edge(from); e < g.first_edge(from + 1); ++e)
    if (g.target_of(e) == to) return e;
  FAIL("no edge " << from << " -> " << to);
  return 0;
}

}  // namespace

TEST_CASE("edge labels: roots, fields, elements past a cookie, map keys, offsets", "[labels]") {
  // Allocations (graph node = allocation + 1):
  //   0 at 0x1000: a struct (layout 0, 32 bytes): `items` at 8, nothing named at 24
  //   1 at 0x2000: new Elem[3] (layout 1, 16 bytes, `x` at 4): the cookie 3, then 48 bytes
  //   2 at 0x3000: a std::map<int, Link> node (layout 2): the pair at 32, key int -5 at +0,
  //      second at +8 (`next` at its start)
  //   3 at 0x3100: a std::map<std::string, Obj> node (layout 3): key "alpha", second at +32
  //   4 at 0x4000: untyped
  //   5 at 0x4100: a struct of layout 0 again, pointing at itself through `items`
  test::SyntheticImage memory;
  memory.add_region(0x1000, 0x5000);
  memory.put<uint64_t>(0x2000, 3);
  memory.put<int32_t>(0x3000 + 32, -5);
  memory.put<uint64_t>(0x3100 + 32, 0x5000);  // the string's data, then its length
  memory.put<uint64_t>(0x3100 + 40, 5);
  memory.put(0x5000, std::array<char, 5>{'a', 'l', 'p', 'h', 'a'});
  walker::AllocationTable table;
  table.add(0x1000, 40);
  table.add(0x2000, 56);  // malloc(8 + 3 * 16): exactly
  table.add(0x3000, 72);
  table.add(0x3100, 104);
  table.add(0x4000, 40);
  table.add(0x4100, 40);
  table.finish();

  walker::HeapGraphBuilder builder({0, 40, 56, 72, 104, 40, 40});
  builder.add_edge(0, 1, EdgeProvenance::kTyped, 0);         // sim
  builder.add_edge(0, 6, EdgeProvenance::kConservative, 1);  // g_list, conservatively
  builder.add_edge(1, 2, EdgeProvenance::kTyped, 8);
  builder.add_edge(1, 5, EdgeProvenance::kConservative, 24);
  builder.add_edge(2, 3, EdgeProvenance::kTyped, 8 + 16 + 4);  // element 1's x
  builder.add_edge(2, 1, EdgeProvenance::kConservative, 8 + 32);  // element 2's start
  builder.add_edge(3, 4, EdgeProvenance::kTyped, 32 + 8);
  builder.add_edge(4, 5, EdgeProvenance::kTyped, 16);   // before the node's value
  builder.add_edge(4, 2, EdgeProvenance::kTyped, 32);   // the key itself
  builder.add_edge(5, 1, EdgeProvenance::kConservative, 0x18);
  builder.add_edge(6, 6, EdgeProvenance::kTyped, 8);
  walker::ProcessGraph graph;
  graph.graph = std::move(builder).build();
  walker::KindTable kinds;
  walker::KindId object = kinds.intern("Obj"), elems = kinds.intern("Elem[]"),
                 int_node = kinds.intern("std::map<int, Link> node"),
                 string_node = kinds.intern("std::map<std::string, Obj> node");
  graph.kinds = {object, elems, int_node, string_node, walker::kNoKind, object};
  graph.kind_layouts = {{0, false, false, 0}, {1, true, false, 0}, {2, false, true, 32},
                        {3, false, true, 32}};
  graph.root_labels = {"sim", "g_list"};

  TableMemberNames names;
  names.sizes = {{0, 32}, {1, 16}, {2, 16}, {3, 64}};
  names.members = {{{0, 8}, "items"}, {{1, 4}, "x"}, {{2, 8}, "second"}};
  names.pairs[2] = {0, 8, typeinfo::KeyForm::kSigned, 4};
  names.pairs[3] = {0, 32, typeinfo::KeyForm::kString, 32};
  names.second_members = {{{2, 0}, "next"}};
  walker::LabelSources sources{memory, table, names};
  const walker::HeapGraph& g = graph.graph;
  auto label = [&](GraphNode from, GraphNode to, bool with_keys = true) {
    return walker::edge_label(sources, graph, from, edge_to(g, from, to), with_keys);
  };

  CHECK(label(0, 1) == "sim");
  CHECK(label(0, 6) == "g_list ~>");
  CHECK(label(1, 2) == "->items");
  CHECK(label(1, 5) == "~>+0x18");     // nothing names offset 24
  CHECK(label(2, 3) == "[1].x");       // past the cookie
  CHECK(label(2, 1) == "~[2]");
  CHECK(label(3, 4) == "[-5].next");
  CHECK(label(3, 4, false) == "[…].next");
  CHECK(label(4, 5) == "->+0x10");
  CHECK(label(4, 2) == "[\"alpha\"].first");
  CHECK(label(5, 1) == "~>+0x18");     // an untyped block
  CHECK(label(6, 6) == "->items");

  std::vector<uint32_t> path = {edge_to(g, 0, 1), edge_to(g, 1, 2), edge_to(g, 2, 3),
                                edge_to(g, 3, 4), edge_to(g, 4, 5)};
  CHECK(walker::path_text(sources, graph, path) == "sim->items[1].x[-5].next->+0x10");
  // A label repeated more than three times reads as a count.
  std::vector<uint32_t> chain = {edge_to(g, 0, 6)};
  for (int i = 0; i < 5; ++i) chain.push_back(edge_to(g, 6, 6));
  CHECK(walker::path_text(sources, graph, chain) == "g_list ~>(->items ×5)");
  chain.resize(4);
  CHECK(walker::path_text(sources, graph, chain) == "g_list ~>->items->items->items");

  CHECK(walker::node_kind(kinds, graph, 0) == "<root>");
  CHECK(walker::node_kind(kinds, graph, 4) == "std::map<std::string, Obj> node");
  CHECK(walker::node_kind(kinds, graph, 5) == "<unreached>");
}
