// heap partition --by module's rules on a synthetic graph: the modules' answers (vtables, type
// definitions, globals) from tables, as the debug info and symbols would give them.
#include <catch2/catch.hpp>

#include <map>
#include <tuple>

#include "synthetic_image.h"
#include "walker/analysis/partition_by_module.h"

using namespace heapwalk;
using walker::EdgeProvenance;

namespace {

constexpr uint64_t kVtables = 0x600000;  // liba.so's vtables: [kVtables, kVtables + 0x100)

class TableModuleFacts final : public walker::ModuleFacts {
 public:
  std::vector<typeinfo::Layout> layouts;
  std::map<uint32_t, std::vector<std::string>> defining;
  std::map<std::string, std::string> globals;
  std::vector<uint64_t> vptrs_asked;

  const typeinfo::Layout& layout(typeinfo::LayoutId id) override { return layouts.at(id); }
  std::string vtable_module(uint64_t vptr) override {
    vptrs_asked.push_back(vptr);
    return vptr >= kVtables && vptr < kVtables + 0x100 ? "/lib/liba.so" : "";
  }
  std::vector<std::string> type_modules(typeinfo::LayoutId id) override {
    auto it = defining.find(id);
    return it == defining.end() ? std::vector<std::string>{} : it->second;
  }
  std::string global_module(const std::string& root_label) override {
    auto it = globals.find(root_label);
    return it == globals.end() ? "" : it->second;
  }
};

typeinfo::Layout layout(bool polymorphic, bool scalar = false) {
  typeinfo::Layout l;
  l.size = 16;
  l.complete = true;
  l.polymorphic = polymorphic;
  l.scalar = scalar;
  l.compiled = true;
  return l;
}

}  // namespace

TEST_CASE("partition_by_module: vtables, definitions, owners, globals", "[partition]") {
  // Allocations (graph node = allocation + 1), 16 bytes apart in size so that rows sort alone:
  //   0 A, polymorphic: its vptr is in liba.so          -> liba.so
  //   1 B, defined in prog alone                        -> prog
  //   2 float[], owned by 1                             -> prog (its owner's)
  //   3 C, defined in prog and libc2.so, owned by 0     -> prog (the first; liba.so is neither)
  //   4 C, owned by 5                                   -> libc2.so (its owner's, one of them)
  //   5 D, defined in libc2.so                          -> libc2.so
  //   6 untyped, held by the global g_buf               -> libg.so
  //   7 untyped, reached conservatively only            -> <no module>
  //   8 untyped, its first word a vptr into liba.so     -> liba.so
  test::SyntheticImage memory;
  memory.add_region(0x10000, 0x1000);
  walker::AllocationTable table;
  std::vector<uint64_t> sizes = {0};
  for (uint64_t i = 0; i < 9; ++i) {
    table.add(0x10000 + 0x100 * i, 16 * (i + 1));
    sizes.push_back(16 * (i + 1));
  }
  table.finish();
  memory.put<uint64_t>(0x10000, kVtables + 0x10);
  memory.put<uint64_t>(0x10800, kVtables + 0x20);

  walker::HeapGraphBuilder builder(std::move(sizes));
  builder.add_edge(0, 1, EdgeProvenance::kTyped, 0);  // g_a
  builder.add_edge(0, 7, EdgeProvenance::kTyped, 1);  // g_buf
  builder.add_edge(1, 4, EdgeProvenance::kTyped, 8);
  builder.add_edge(2, 3, EdgeProvenance::kTyped, 8);
  builder.add_edge(2, 8, EdgeProvenance::kConservative, 0);
  builder.add_edge(6, 5, EdgeProvenance::kTyped, 8);
  walker::ProcessGraph graph;
  graph.graph = std::move(builder).build();
  graph.root_labels = {"g_a", "g_buf[abi:cxx11]"};
  // Kinds 0 A, 1 B, 2 float[], 3 C, 4 D (layouts of the same numbers).
  graph.kinds = {0, 1, 2, 3, 3, 4, walker::kNoKind, walker::kNoKind, walker::kNoKind};
  graph.kind_layouts = {{0, false, false, 0}, {1, false, false, 0}, {2, true, false, 0},
                        {3, false, false, 0}, {4, false, false, 0}};

  TableModuleFacts facts;
  facts.layouts = {layout(true), layout(false), layout(false, true), layout(false), layout(false)};
  facts.defining = {{1, {"/bin/prog"}}, {3, {"/bin/prog", "/lib/libc2.so"}}, {4, {"/lib/libc2.so"}}};
  facts.globals = {{"g_buf[abi:cxx11]", "/lib/libg.so"}};

  std::vector<uint32_t> set = {0, 1, 2, 3, 4, 5, 6, 7, 8};
  walker::Partition p = walker::partition_by_module(memory, table, graph, facts, set);
  using Row = std::tuple<std::string, std::string, uint64_t, uint64_t, std::vector<uint32_t>>;
  std::vector<Row> rows;
  for (const walker::PartitionRow& r : p.rows) rows.emplace_back(r.kind, r.path, r.count, r.size, r.nodes);
  CHECK(rows == std::vector<Row>{{"libc2.so", "/lib/libc2.so", 2, 80 + 96, {4, 5}},
                                 {"liba.so", "/lib/liba.so", 2, 16 + 144, {0, 8}},
                                 {"prog", "/bin/prog", 3, 32 + 48 + 64, {1, 2, 3}},
                                 {walker::kNoModule, "", 1, 128, {7}},
                                 {"libg.so", "/lib/libg.so", 1, 112, {6}}});
  CHECK(p.count == 9);
  CHECK(p.size == 16 * 45);
  // Only words that may be vptrs are looked up: not 0, not into the heap.
  CHECK(facts.vptrs_asked == std::vector<uint64_t>{kVtables + 0x10, kVtables + 0x20});
}
