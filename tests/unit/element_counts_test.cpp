// Element counts of array allocations (heap size's n_bytes / n_conns): recorded from what the
// owner holds, never from usable bytes; the sparse table's lookups; the report's number format.
#include <catch2/catch.hpp>

#include <lldb/API/LLDB.h>

#include "report/size_render.h"
#include "synthetic_image.h"
#include "typeinfo/member_lookup.h"
#include "walker/graph/element_counts.h"
#include "walker/graph/heap_reach.h"

using namespace heapwalk;

TEST_CASE("the element count table keeps the first count per allocation and kind",
          "[element-counts]") {
  walker::ElementCounts counts;
  counts.add(7, 2, 100);
  counts.add(3, 2, 5);
  counts.add(7, 2, 99);  // a second owner of the same buffer: the first one's count stays
  counts.add(7, 4, 1);
  counts.finish();
  CHECK(counts.size() == 3);
  CHECK(counts.count(7, 2) == 100u);
  CHECK(counts.count(3, 2) == 5u);
  CHECK(counts.count(7, 4) == 1u);
  CHECK_FALSE(counts.count(7, 3));
  CHECK_FALSE(counts.count(4, 2));
}

TEST_CASE("a vector's buffer counts its size, not its capacity or usable bytes",
          "[element-counts]") {
  lldb::SBDebugger::Initialize();
  lldb::SBDebugger debugger = lldb::SBDebugger::Create(false);
  {
    lldb::SBTarget target = debugger.CreateTarget(HEAPWALK_FIXTURE_DIR "/heapwalk_fixture_sim");
    lldb::SBType cf = target.FindFirstType("ConnectionField");
    REQUIRE(cf.IsValid());
    auto weights = typeinfo::find_member(cf, "weights");
    REQUIRE(weights);
    test::SyntheticImage memory;
    memory.add_region(0x5000, 0x100);
    memory.add_region(0x10000, 0x1000);
    memory.put<uint64_t>(0x5000, 0x10010);
    uint64_t object = 0x10010, buffer = 0x10100;
    memory.put<uint64_t>(object + weights->offset, buffer);           // _M_start
    memory.put<uint64_t>(object + weights->offset + 8, buffer + 12);  // _M_finish: 3 floats
    memory.put<uint64_t>(object + weights->offset + 16, buffer + 24);  // capacity: 6
    walker::AllocationTable table;
    table.add(object, cf.GetByteSize() + 8);
    table.add(buffer, 40);  // usable: 10 floats
    table.finish();
    typeinfo::TypeRegistry types(target);
    typeinfo::DynamicTypes dynamic(types, [&](uint64_t a) { return memory.load<uint64_t>(a); });
    typeinfo::TypeErasure erasure(types);
    walker::KindTable kinds;
    walker::HeapReach reach({memory, table, types, dynamic, erasure, kinds});
    walker::ElementCounts counts;
    reach.record_counts([&](walker::NodeId n, walker::KindId k, uint64_t c) { counts.add(n, k, c); });
    reach.add_typed_root(0x5000, types.intern(cf.GetPointerType()));
    auto reached = reach.run();
    REQUIRE(reached);
    counts.finish();
    REQUIRE(reached->kinds[1] != walker::kNoKind);
    CHECK(kinds.name(reached->kinds[1]) == "float[]");
    CHECK(counts.count(1, reached->kinds[1]) == 3u);
    CHECK_FALSE(counts.count(0, reached->kinds[0]));  // an object, not an array
  }
  lldb::SBDebugger::Destroy(debugger);
}

TEST_CASE("heap size writes bytes and counts for people", "[element-counts]") {
  CHECK(report::grouped(0) == "0");
  CHECK(report::grouped(999) == "999");
  CHECK(report::grouped(1000) == "1,000");
  CHECK(report::grouped(1064622) == "1,064,622");
  CHECK(report::readable_bytes(200) == "200 bytes");
  CHECK(report::readable_bytes(36864) == "36.0 KiB");
  CHECK(report::readable_bytes(4299161) == "4.1 MiB");
}

TEST_CASE("heap size's kinds: arrays with elements, arrays of unknown count, allocations",
          "[element-counts]") {
  report::SizeReport r;
  r.expr = "sim";
  r.type = "Simulation *";
  r.by_kind = {{"float[]", 578, 4299161, true, 1063025, 0},
               {"int[]", 5, 2000, true, 1200, 2},
               {"long[]", 2, 100, true, 0, 2},
               {"Sheet", 1, 200, false, 0, 0}};
  std::string text = report::render_size_text(r, 0);
  CHECK(text.find("    float[]: 578 arrays, 1,063,025 elements, 4.1 MiB\n") != std::string::npos);
  CHECK(text.find("    int[]: 5 arrays, 1,200 elements in 3 of them (2 of unknown count), 2.0 KiB\n") !=
        std::string::npos);
  CHECK(text.find("    long[]: 2 arrays, element count unknown (no owner records it), 100 bytes\n") !=
        std::string::npos);
  CHECK(text.find("    Sheet: 1 allocation, 200 bytes\n") != std::string::npos);
  // Two rows: the second is announced, not printed; one row left over is printed instead.
  std::string two = report::render_size_text(r, 2);
  CHECK(two.find("<2 more kinds: heap size --kinds 0 sim shows them all>") != std::string::npos);
  CHECK(report::render_size_text(r, 3).find("more kinds") == std::string::npos);
  std::string json = report::render_size_json(r);
  CHECK(json.find(R"({"kind": "float[]", "count": 578, "bytes": 4299161, "elements": 1063025, "uncounted": 0})") !=
        std::string::npos);
  CHECK(json.find(R"({"kind": "Sheet", "count": 1, "bytes": 200})") != std::string::npos);
  CHECK(report::render_size_csv(r) ==
        "kind,count,bytes,elements,uncounted\n"
        "float[],578,4299161,1063025,0\n"
        "int[],5,2000,1200,2\n"
        "long[],2,100,0,2\n"
        "Sheet,1,200,,\n");
  // One allocation is singular.
  r.deep = {1, 200};
  r.retained = {2, 300};
  text = report::render_size_text(r, 0);
  CHECK(text.find(" bytes  in 1 allocation reachable from it\n") != std::string::npos);
  CHECK(text.find(" bytes  in 2 allocations freed with it (") != std::string::npos);
}
