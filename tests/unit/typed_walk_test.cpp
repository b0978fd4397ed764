// The typed walk over synthetic memory, with layouts compiled from the sim fixture's real DWARF
// (a static target: no process runs).
#include <catch2/catch.hpp>

#include <algorithm>

#include <lldb/API/LLDB.h>

#include "synthetic_image.h"
#include "typeinfo/member_lookup.h"
#include "walker/graph/heap_reach.h"

using namespace heapwalk;

namespace {

struct StaticTarget {
  lldb::SBDebugger debugger;
  lldb::SBTarget target;
  explicit StaticTarget(const char* executable = HEAPWALK_FIXTURE_DIR "/heapwalk_fixture_sim") {
    lldb::SBDebugger::Initialize();
    debugger = lldb::SBDebugger::Create(false);
    target = debugger.CreateTarget(executable);
  }
  ~StaticTarget() { lldb::SBDebugger::Destroy(debugger); }
  lldb::SBType type(const char* name) { return target.FindFirstType(name); }
};

// Walks from a pointer of type `root_type` stored at `root_address`; returns kind per allocation.
std::vector<std::string> walk(StaticTarget& t, const test::SyntheticImage& memory,
                              const walker::AllocationTable& table, uint64_t root_address,
                              lldb::SBType root_type) {
  typeinfo::TypeRegistry types(t.target);
  typeinfo::DynamicTypes dynamic(types, [&](uint64_t a) { return memory.load<uint64_t>(a); });
  typeinfo::TypeErasure erasure(types);
  walker::KindTable kinds;
  walker::HeapReach reach({memory, table, types, dynamic, erasure, kinds});
  reach.add_typed_root(root_address, types.intern(root_type));
  auto reached = reach.run();
  REQUIRE(reached);
  std::vector<std::string> names;
  for (walker::KindId k : reached->kinds) names.push_back(k == walker::kNoKind ? "-" : kinds.name(k));
  return names;
}

}  // namespace

TEST_CASE("a vector's buffer is an array of its element type", "[walk]") {
  StaticTarget t;
  lldb::SBType cf = t.type("ConnectionField");
  REQUIRE(cf.IsValid());
  auto weights = typeinfo::find_member(cf, "weights");
  REQUIRE(weights);
  test::SyntheticImage memory;
  memory.add_region(0x5000, 0x100);    // static storage: the root pointer
  memory.add_region(0x10000, 0x1000);  // "heap"
  memory.put<uint64_t>(0x5000, 0x10010);
  uint64_t object = 0x10010, buffer = 0x10100;
  memory.put<uint64_t>(object + weights->offset, buffer);           // _M_start
  memory.put<uint64_t>(object + weights->offset + 8, buffer + 12);  // _M_finish: 3 floats
  walker::AllocationTable table;
  table.add(object, cf.GetByteSize() + 8);
  table.add(buffer, 24);
  table.add(0x10400, 24);  // nobody points here
  table.finish();
  auto kinds = walk(t, memory, table, 0x5000, cf.GetPointerType());
  CHECK(kinds == std::vector<std::string>{"ConnectionField", "float[]", "-"});
}

TEST_CASE("strings: heap buffers are char[] (string), short strings stay in place", "[walk]") {
  StaticTarget t;
  lldb::SBType event = t.type("Event");
  REQUIRE(event.IsValid());
  auto what = typeinfo::find_member(event, "what");
  auto local = typeinfo::find_member(event, "_M_local_buf");
  REQUIRE(what);
  REQUIRE(local);
  test::SyntheticImage memory;
  memory.add_region(0x5000, 0x100);
  memory.add_region(0x10000, 0x1000);
  uint64_t long_event = 0x10010, short_event = 0x10200, text = 0x10100;
  memory.put<uint64_t>(0x5000, long_event);
  memory.put<uint64_t>(0x5008, short_event);
  memory.put<uint64_t>(long_event + what->offset, text);
  memory.put<uint64_t>(short_event + what->offset, short_event + local->offset);
  walker::AllocationTable table;
  table.add(long_event, 40);
  table.add(text, 40);
  table.add(short_event, 40);
  table.finish();
  auto kinds = walk(t, memory, table, 0x5000, event.GetPointerType());
  CHECK(kinds == std::vector<std::string>{"Event", "char[] (string)", "-"});
}

TEST_CASE("a std::set's tree nodes are all reached, the header is not a node", "[walk]") {
  StaticTarget t;
  lldb::SBType simulation = t.type("Simulation");
  REQUIRE(simulation.IsValid());
  auto ids = typeinfo::find_member(simulation, "ids");
  auto header = typeinfo::find_member(ids->type, "_M_header");
  auto count = typeinfo::find_member(ids->type, "_M_node_count");
  REQUIRE(header);
  REQUIRE(count);
  test::SyntheticImage memory;
  memory.add_region(0x5000, 0x100);
  memory.add_region(0x10000, 0x2000);
  uint64_t set = 0x5010;  // the set itself in static storage
  uint64_t head = set + header->offset;
  uint64_t root = 0x10100, left = 0x10200, right = 0x10300;
  memory.put<uint64_t>(head + 8, root);
  memory.put<uint64_t>(set + count->offset, 3);
  memory.put<uint64_t>(root + 8, head);  // parent of the root is the header
  memory.put<uint64_t>(root + 16, left);
  memory.put<uint64_t>(root + 24, right);
  memory.put<uint64_t>(left + 8, root);
  memory.put<uint64_t>(right + 8, root);
  walker::AllocationTable table;
  for (uint64_t n : {root, left, right}) table.add(n, 40);
  table.add(0x10400, 40);
  table.finish();
  auto kinds = walk(t, memory, table, set, ids->type);
  CHECK(kinds == std::vector<std::string>{"std::set<int> node", "std::set<int> node",
                                          "std::set<int> node", "-"});
}

TEST_CASE("a linked list of a million nodes is walked without recursion", "[walk]") {
  StaticTarget t(HEAPWALK_LEAKY_FIXTURE);  // struct Node { Node* next; long payload; }
  lldb::SBType node = t.type("Node");
  REQUIRE(node.IsValid());
  auto next = typeinfo::find_member(node, "next");
  REQUIRE(next);
  constexpr uint64_t kNodes = 1'000'000, kStride = 32, kHeap = 0x1000000;
  test::SyntheticImage memory;
  memory.add_region(0x5000, 0x100);
  memory.add_region(kHeap, kNodes * kStride);
  memory.put<uint64_t>(0x5000, kHeap);
  walker::AllocationTable table;
  for (uint64_t i = 0; i < kNodes; ++i) {
    uint64_t at = kHeap + i * kStride;
    table.add(at, 24);
    if (i + 1 < kNodes) memory.put<uint64_t>(at + next->offset, at + kStride);
  }
  table.finish();
  auto kinds = walk(t, memory, table, 0x5000, node.GetPointerType());
  CHECK(std::count(kinds.begin(), kinds.end(), "Node") == static_cast<long>(kNodes));
}
