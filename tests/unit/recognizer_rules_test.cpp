// Recognizer files: parsing (with errors that name the line), type name patterns, and
// expressions compiled against real DWARF (the layout test fixture) and evaluated on memory.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>

#include <lldb/API/LLDB.h>

#include "typeinfo/recognizers/builtin.h"
#include "typeinfo/recognizers/expression.h"
#include "typeinfo/recognizers/rules.h"

using namespace heapwalk::typeinfo;

TEST_CASE("type name patterns: * within one template argument, ** anything", "[recognizers]") {
  CHECK(name_matches("Pool", "Pool"));
  CHECK_FALSE(name_matches("Pool", "Pool2"));
  CHECK(name_matches("mylib::Vector<*>", "mylib::Vector<int>"));
  CHECK(name_matches("mylib::Vector<*>", "mylib::Vector<std::map<int, double>>"));
  CHECK_FALSE(name_matches("mylib::Vector<*>", "mylib::Vector<int, Alloc>"));
  CHECK(name_matches("mylib::Vector<*, *>", "mylib::Vector<int, Alloc>"));
  CHECK(name_matches("mylib::Vector<**>", "mylib::Vector<int, Alloc>"));
  CHECK(name_matches("Eigen::DenseStorage<*, -1, -1, -1, *>", "Eigen::DenseStorage<double, -1, -1, -1, 0>"));
  CHECK_FALSE(name_matches("Eigen::DenseStorage<*, -1, -1, -1, *>", "Eigen::DenseStorage<double, -1, 4, -1, 0>"));
  CHECK(name_matches("std::vector<int>", "std::vector<int >"));  // spacing aside
  CHECK(name_matches("*::Node", "ns::Node"));
  CHECK(name_matches("*", "A<B, C>"));        // one template argument may have its own
  CHECK_FALSE(name_matches("X<*>", "X<A, B>"));  // but a top-level comma ends it
}

TEST_CASE("recognizer files: every form, and several type names", "[recognizers]") {
  RuleSet rules;
  rules.add(R"(
[[recognizer]]
type = "Pool<*>"
  [[recognizer.array]]
  pointer = "slots_"
  count = "used_"
  capacity = "size_"
  element = "{0}"
  kind = "{0} slots"

[[recognizer]]
type = ["Value", "ns::Value"]
  [[recognizer.union]]
  member = "u"
  selector = "tag"
  cases = { 1 = "i", 2 = "s" }
  [[recognizer.pointer]]
  field = "raw & ~3"
  to = "Widget"

[[recognizer]]
type = "Hook"
  [recognizer.inside]
  object = "Task"
  member = "hook"
)", "mine.toml");
  REQUIRE(rules.rules().size() == 3);
  const TypeRule* pool = rules.match({"Pool<int>"});
  REQUIRE(pool);
  CHECK(pool->arrays.size() == 1);
  CHECK(pool->arrays[0].capacity == "size_");
  CHECK(pool->source.text() == "mine.toml:2");
  const TypeRule* value = rules.match({"x", "ns::Value"});
  REQUIRE(value);
  CHECK(value->unions[0].cases == std::vector<std::pair<int64_t, std::string>>{{1, "i"}, {2, "s"}});
  CHECK(value->pointers[0].field == "raw & ~3");
  // An inside rule makes no layout of its own: match() skips it, inside_rules() finds it.
  CHECK(rules.match({"Hook"}) == nullptr);
  REQUIRE(rules.inside_rules({"Hook"}).size() == 1);
  CHECK(rules.inside_rules({"Hook"})[0]->object == "Task");
  CHECK(rules.files().size() == 1);
  CHECK(rules.files()[0].rules == 3);
}

TEST_CASE("recognizer files: mistakes are one error with the file and line", "[recognizers]") {
  auto error_of = [](const char* text) {
    RuleSet rules;
    try {
      rules.add(text, "bad.toml");
    } catch (const RecognizerError& e) {
      CHECK(rules.rules().empty());  // nothing added
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK(error_of("[[recognizer]]\ntype = \"A\"\n  [[recognizer.array]]\n  pointr = \"p\"\n  count = \"n\"\n")
            .starts_with("bad.toml:4: unknown key 'pointr' in [[recognizer.array]]"));
  CHECK(error_of("[[recognizer]]\ntype = \"A\"\n  [[recognizer.array]]\n  pointer = \"p\"\n")
            .starts_with("bad.toml:3: [[recognizer.array]] needs 'count'"));
  CHECK(error_of("[[recognizer]]\n  [[recognizer.array]]\n  pointer = \"p\"\n  count = \"n\"\n")
            .starts_with("bad.toml:1: [[recognizer]] needs 'type'"));
  CHECK(error_of("[[recognizer]]\ntype = \"A\"\n").starts_with("bad.toml:1: the recognizer for 'A' says nothing"));
  CHECK(error_of("[[recogniser]]\ntype = \"A\"\n").starts_with("bad.toml:1: unknown table 'recogniser'"));
  CHECK(error_of("[[recognizer]]\ntype = \"A\"\n[[recognizer.union]]\nmember = \"u\"\nselector = \"t\"\n"
                 "cases = { one = \"i\" }\n")
            .starts_with("bad.toml:6: case 'one' is not an integer"));
  CHECK(error_of("[[recognizer]\ntype = 1\n").starts_with("bad.toml:1: "));  // TOML syntax
}

namespace {

struct LayoutTypes {
  lldb::SBDebugger debugger;
  lldb::SBTarget target;
  LayoutTypes() {
    lldb::SBDebugger::Initialize();
    debugger = lldb::SBDebugger::Create(false);
    target = debugger.CreateTarget(HEAPWALK_LAYOUT_TYPES);
  }
  lldb::SBType type(const char* name) { return target.FindFirstType(name); }
};

}  // namespace

TEST_CASE("expressions: fields, arithmetic, masks, pointer differences", "[recognizers]") {
  static LayoutTypes t;  // never destroyed before the suite ends: LLDB outlives it
  lldb::SBType counted = t.type("Counted");  // { Wide* begin; Wide* end; long size; int small; unsigned char flags; }
  REQUIRE(counted.IsValid());
  std::map<uint64_t, uint8_t> memory;
  auto put = [&](uint64_t at, uint64_t value, size_t size) {
    for (size_t i = 0; i < size; ++i) memory[at + i] = static_cast<uint8_t>(value >> (8 * i));
  };
  Expression::Read read = [&](uint64_t at, void* out, size_t size) {
    auto* bytes = static_cast<uint8_t*>(out);
    for (size_t i = 0; i < size; ++i) {
      auto it = memory.find(at + i);
      if (it == memory.end()) return false;
      bytes[i] = it->second;
    }
    return true;
  };
  const uint64_t object = 0x1000;
  put(object + 0, 0x5000, 8);       // begin
  put(object + 8, 0x5000 + 5 * 16, 8);  // end: 5 Wides of 16 bytes later
  put(object + 16, 7, 8);           // size
  put(object + 24, static_cast<uint64_t>(-3), 4);  // small (int): sign-extended
  put(object + 28, 0xf1, 1);        // flags
  auto value = [&](const char* text) { return Expression(text, counted, "Counted").evaluate(object, read); };
  CHECK(value("size") == 7);
  CHECK(value("size * 2 + 1") == 15);
  CHECK(value("(size + 1) * 2") == 16);
  CHECK(value("end - begin") == 5);  // elements, as in C++
  CHECK(value("small") == static_cast<uint64_t>(-3));
  CHECK(value("flags & 0xf") == 1);
  CHECK(value("flags >> 4") == 15);
  CHECK(value("begin & ~0xfff") == 0x5000);
  CHECK(value("42") == 42);
  Expression begin("begin", counted, "Counted");
  CHECK(begin.field_offset() == 0);
  CHECK(begin.pointee().IsValid());
  CHECK(Expression("end & ~3", counted, "Counted").field_offset() == 8);
  CHECK_FALSE(Expression("size * 2", counted, "Counted").field_offset());
  CHECK_THROWS_WITH(Expression("sise", counted, "Counted"), Catch::Contains("no field 'sise'"));
  CHECK_THROWS_WITH(Expression("size +", counted, "Counted"), Catch::Contains("is missing"));
  CHECK_THROWS_WITH(Expression("{1}", counted, "Counted"), Catch::Contains("no template argument 1"));
  CHECK(Expression("{1} * 2", counted, "Box<int, 4>").evaluate(object, read) == 8);
}

TEST_CASE("recognizer files: a pointer rule's 'elements' and the built-in library files",
          "[recognizers]") {
  RuleSet rules;
  rules.add(R"(
[[recognizer]]
type = "Graph<*>"
  [[recognizer.pointer]]
  elements = "vertices"
  to = "{0}::vertex"
)", "graph.toml");
  const TypeRule* graph = rules.match({"Graph<Config>"});
  REQUIRE(graph);
  REQUIRE(graph->pointers.size() == 1);
  CHECK(graph->pointers[0].elements == "vertices");
  CHECK(graph->pointers[0].field.empty());
  CHECK(graph->pointers[0].to == "{0}::vertex");

  auto error_of = [](const char* text) {
    try {
      RuleSet bad;
      bad.add(text, "bad.toml");
    } catch (const RecognizerError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK(error_of("[[recognizer]]\ntype = \"A\"\n  [[recognizer.pointer]]\n  field = \"p\"\n"
                 "  elements = \"v\"\n  to = \"B\"\n")
            .starts_with("bad.toml:3: [[recognizer.pointer]] needs one of 'field' and 'elements'"));
  CHECK(error_of("[[recognizer]]\ntype = \"A\"\n  [[recognizer.pointer]]\n  to = \"B\"\n")
            .starts_with("bad.toml:3: [[recognizer.pointer]] needs one of 'field' and 'elements'"));
  CHECK(error_of("[[recognizer]]\ntype = \"A\"\n  [[recognizer.pointer]]\n  elements = \"v\"\n"
                 "  to = \"B\"\n  kind = \"B (mine)\"\n")
            .starts_with("bad.toml:3: [[recognizer.pointer]] with 'elements' takes no 'kind'"));

  // Every built-in file reads, and its rules are for the types they say.
  RuleSet builtin;
  for (const BuiltinRules& file : builtin_rules()) builtin.add(file.text, std::string(file.file));
  auto arrays = [&](std::string_view name) {
    const TypeRule* rule = builtin.match({name});
    return rule ? rule->arrays.size() : 0;
  };
  CHECK(arrays("Eigen::DenseStorage<double, -1, -1, -1, 0>") == 1);
  CHECK(builtin.match({"Eigen::DenseStorage<double, -1, -1, -1, 0>"})->arrays[0].count ==
        "m_rows * m_cols");
  CHECK(builtin.match({"Eigen::DenseStorage<double, -1, -1, 1, 0>"})->arrays[0].count ==
        "m_rows * {3}");
  CHECK(builtin.match({"Eigen::DenseStorage<float, -1, 1, -1, 1>"})->arrays[0].count ==
        "{2} * m_cols");
  CHECK(builtin.match({"Eigen::DenseStorage<double, 16, 4, 4, 0>"}) == nullptr);  // in place
  CHECK(arrays("Eigen::SparseMatrix<double, 0, int>") == 2);
  CHECK(arrays("Eigen::internal::CompressedStorage<double, int>") == 2);
  CHECK(arrays("boost::container::vector<int, void, void>") == 1);
  const TypeRule* adjacency = builtin.match({"boost::adj_list_impl<G, C, B>"});
  REQUIRE(adjacency);
  CHECK(adjacency->pointers.at(0).elements == "m_vertices");
}

TEST_CASE("expressions: member addresses and paths through pointers", "[recognizers]") {
  static LayoutTypes t;
  lldb::SBType counted = t.type("Counted");  // { Wide* begin; Wide* end; long size; ... }, Wide { long a, b; }
  REQUIRE(counted.IsValid());
  std::map<uint64_t, uint64_t> words = {{0x1000, 0x5000}, {0x1008, 0}, {0x5008, 77}};
  Expression::Read read = [&](uint64_t at, void* out, size_t size) {
    auto it = words.find(at);
    if (it == words.end()) return false;
    std::memcpy(out, &it->second, size);
    return true;
  };
  auto value = [&](const char* text) { return Expression(text, counted, "Counted").evaluate(0x1000, read); };
  CHECK(value("&size") == 0x1010);         // in the object
  CHECK(value("begin->b") == 77);          // read begin, then its pointee's b
  CHECK(value("&begin->b") == 0x5008);     // where that is
  CHECK(value("begin->b + 1") == 78);
  CHECK_FALSE(value("end->a"));            // a null pointer on the way: no value
  Expression in_place("&size", counted, "Counted");
  REQUIRE(in_place.in_place());
  CHECK(in_place.in_place()->offset == 16);
  CHECK(in_place.in_place()->size == 8);
  CHECK_FALSE(in_place.field_offset());
  Expression through("&begin->b", counted, "Counted");
  CHECK_FALSE(through.in_place());
  CHECK_FALSE(through.field_offset());     // not a field of the object itself
  CHECK(through.first_field() == 0);       // but it starts from `begin`
  CHECK(Expression("end", counted, "Counted").first_field() == 8);
  CHECK_THROWS_WITH(Expression("size->a", counted, "Counted"), Catch::Contains("'size' is not a pointer"));
}

TEST_CASE("recognizer files: tables (block, when, live slots, nodes)", "[recognizers]") {
  RuleSet rules;
  rules.add(R"(
[[recognizer]]
type = "Table<*>"
  [[recognizer.array]]
  block = "ctrl_"
  pointer = "slots_"
  count = "capacity_"
  live = { bytes = "ctrl_", mask = 0x80, equals = 0 }
  element_member = "value"
  node_kind = "{name} node"
  when = "capacity_"
)", "table.toml");
  const TypeRule* table = rules.match({"Table<int>"});
  REQUIRE(table);
  const ArrayRule& a = table->arrays.at(0);
  CHECK(a.block == "ctrl_");
  CHECK(a.live_bytes == "ctrl_");
  CHECK(a.live_mask == 0x80);
  CHECK(a.live_equals == 0);
  CHECK(a.element_member == "value");
  CHECK(a.node_kind == "{name} node");
  CHECK(a.when == "capacity_");
  RuleSet bad;
  try {
    bad.add("[[recognizer]]\ntype = \"T\"\n  [[recognizer.array]]\n  pointer = \"p\"\n  count = \"n\"\n"
            "  live = { bytes = \"c\", mask = 0x80 }\n", "bad.toml");
    FAIL("no error");
  } catch (const RecognizerError& e) {
    CHECK(std::string(e.what()).starts_with("bad.toml:6: live needs 'equals'"));
  }
}
