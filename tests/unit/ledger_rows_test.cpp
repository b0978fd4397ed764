// The ledger's rows and their resident split, on a synthetic heap, graph and mappings: every
// byte in one bucket, exact to the byte.
#include <catch2/catch.hpp>

#include <memory>
#include <tuple>

#include "synthetic_image.h"
#include "walker/analysis/ledger.h"
#include "walker/analysis/leaks.h"
#include "walker/analysis/resident_ledger.h"
#include "walker/graph/heap_reach.h"
#include "walker/graph/node_states.h"

using namespace heapwalk;
using walker::EdgeProvenance;

namespace {

constexpr uint64_t kHeap = 0x10000, kCode = 0x400000, kStack = 0x7ff000, kAnon = 0x900000;

// One main arena's heap [kHeap, kHeap + 8 KiB): four allocations on its first page (an object,
// a scalar array, one reached conservatively, a leak), a bin, a fastbin and a tcache chunk,
// then top from the second page on.
walker::MallocHeap one_arena() {
  walker::MallocHeap heap;
  heap.in_use.add(kHeap + 0x10, 24);
  heap.in_use.add(kHeap + 0x30, 40);
  heap.in_use.add(kHeap + 0x60, 56);
  heap.in_use.add(kHeap + 0xa0, 88);
  heap.in_use.finish();
  walker::ArenaCensus arena;
  arena.address = 0x7f0000;
  arena.main = true;
  arena.heaps = {{kHeap, kHeap + 0x2000}};
  arena.in_use_chunks = 4;
  arena.overhead_bytes = 16;
  arena.bin_free_bytes = 64;
  arena.fast_free_bytes = 32;
  arena.tcache_bytes = 48;
  arena.top_chunk = kHeap + 0xff8;
  arena.top_size = 0x1000;
  arena.system_mem = 208 + 144 + 0x1000 + 4 * 8 + 16;
  heap.arenas.push_back(arena);
  heap.free_chunks = {{kHeap + 0x100, 64, arena.address, walker::FreeRange::kBin},
                      {kHeap + 0x200, 32, arena.address, walker::FreeRange::kFast},
                      {kHeap + 0x300, 48, arena.address, walker::FreeRange::kTcache}};
  return heap;
}

// Graph nodes 1..4 are allocations 0..3: 1 and 2 typed from a root, 3 conservatively, 4 not at all.
std::shared_ptr<walker::ProcessGraph> graph_of_four() {
  walker::HeapGraphBuilder builder({0, 24, 40, 56, 88});
  builder.add_edge(0, 1, EdgeProvenance::kTyped, 0);
  builder.add_edge(0, 2, EdgeProvenance::kTyped, 0);
  builder.add_edge(0, 3, EdgeProvenance::kConservative, 0);
  auto graph = std::make_shared<walker::ProcessGraph>();
  graph->graph = std::move(builder).build();
  const uint8_t typed = walker::NodeStates::kTyped, scalar = walker::Reachability::kScalarArray;
  graph->reach_flags = {typed, static_cast<uint8_t>(typed | scalar),
                        walker::NodeStates::kConservative, 0};
  graph->leak_names = walker::LeakNames(4, std::vector<walker::NodeId>{3}, {0});
  return graph;
}

walker::ProcessMappings four_mappings() {
  walker::ProcessMappings m;
  m.mappings = {{kHeap, kHeap + 0x2000, false, true, "[heap]"},
                {kCode, kCode + 0x1000, true, false, "/bin/prog"},
                {kStack, kStack + 0x1000, false, true, ""},
                {kAnon, kAnon + 0x4000, false, true, ""}};
  m.stack_pointers = {kStack + 0x800};
  m.source = "synthetic";
  return m;
}

using Rows = std::vector<std::tuple<std::string, uint64_t, uint64_t>>;  // key, bytes, resident
Rows rows_of(const walker::Ledger& ledger) {
  Rows rows;
  for (const walker::LedgerRow& r : ledger.rows) rows.emplace_back(r.key, r.bytes, r.resident);
  return rows;
}

// One arena, the graph of four objects, its leaks, four mappings, and their ledger.
struct FourObjects {
  walker::MallocHeap heap = one_arena();
  std::shared_ptr<const walker::ProcessGraph> graph = graph_of_four();
  std::optional<walker::LeakReport> leaks = walker::find_leaks(graph);
  walker::ProcessMappings mappings = four_mappings();
  walker::Ledger ledger = walker::build_ledger(heap, *graph, *leaks, mappings);
};

}  // namespace

TEST_CASE("build_ledger: every mapped byte in one bucket", "[ledger]") {
  FourObjects four;
  REQUIRE(four.leaks);
  auto& [heap, graph, leaks, mappings, ledger] = four;
  CHECK(ledger.mapped == 0x8000);
  CHECK(ledger.arena_system_mem == 4496);
  CHECK(ledger.tcache_bytes == 48);
  CHECK(ledger.problems.empty());
  // other: 32 KiB mapped less code, stacks and the arena's 4496 bytes.
  CHECK(rows_of(ledger) == Rows{{"code", 4096, 0},     {"stacks", 4096, 0},  {"objects", 24, 0},
                                {"arrays", 40, 0},     {"conservative", 56, 0}, {"leaked", 88, 0},
                                {"free", 144, 0},      {"program_free", 0, 0}, {"top", 4096, 0},
                                {"overhead", 48, 0},   {"mmapped", 0, 0},    {"other", 20080, 0}});

  SECTION("a stack pointer in no mapping: no stacks; books that do not balance are said") {
    mappings.stack_pointers = {0x1234};
    heap.arenas[0].system_mem = 5000;
    walker::Ledger off = walker::build_ledger(heap, *graph, *leaks, mappings);
    CHECK(off.bytes("stacks") == 0);
    CHECK(off.bytes("other") == 0x8000 - 4096 - 5000);
    CHECK(off.problems == std::vector<std::string>{
                              "malloc's buckets sum to 4496 bytes, but its arenas and mmapped "
                              "chunks hold 5000"});
  }
}

TEST_CASE("add_residency: a core's pages split among the buckets", "[ledger]") {
  FourObjects four;
  REQUIRE(four.leaks);
  auto& [heap, graph, leaks, mappings, ledger] = four;
  walker::MallocParams params;
  params.trim_threshold = params.mmap_threshold = 128 * 1024;
  params.thresholds_known = params.dynamic = true;
  params.heap_max = 64 << 20;
  walker::ResidencyInputs in(heap, params, graph->reach_flags, *leaks, mappings);

  SECTION("no residency (a remote target): the reserved row, no resident figures") {
    walker::add_residency(ledger, in);
    CHECK(ledger.basis == walker::ResidentBasis::kNone);
    CHECK(ledger.resident == 0);
    CHECK(ledger.bytes("reserved") == 0);
    CHECK(ledger.rows.size() == 13);
    CHECK(ledger.keep.trim_threshold == 128 * 1024);
    CHECK(ledger.keep.dynamic);
    CHECK(ledger.keep.untouched == 0);
  }

  SECTION("a core: the pages that are not all zero") {
    // Not all zero: the heap's first page, the code, the stack and one page of the other
    // mapping; the heap's second page (top) is zero.
    test::SyntheticImage memory;
    for (const walker::Mapping& m : mappings.mappings) memory.add_region(m.start, m.size());
    memory.put<uint64_t>(kHeap + 0x10, 1);
    memory.put<uint64_t>(kCode, 1);
    memory.put<uint64_t>(kStack + 0x800, 1);
    memory.put<uint64_t>(kAnon + 0x2000, 1);
    std::vector<std::pair<uint64_t, uint64_t>> ranges;
    for (const walker::Mapping& m : mappings.mappings) ranges.emplace_back(m.start, m.end);
    auto pages = std::make_shared<const walker::CorePages>(memory, ranges);
    in.core_pages = [&] { return pages; };
    std::vector<std::string> phases;
    in.record = [&](const char* phase, auto) { phases.push_back(phase); };
    walker::add_residency(ledger, in);
    CHECK(ledger.basis == walker::ResidentBasis::kCoreEstimate);
    CHECK(phases == std::vector<std::string>{"ledger: resident: segments",
                                             "ledger: resident: core pages",
                                             "ledger: resident: split"});
    // The heap's first page: each allocation's and free chunk's bytes on it, the rest overhead.
    CHECK(rows_of(ledger) == Rows{{"code", 4096, 4096},  {"stacks", 4096, 4096},
                                  {"objects", 24, 24},   {"arrays", 40, 40},
                                  {"conservative", 56, 56}, {"leaked", 88, 88},
                                  {"free", 144, 144},    {"program_free", 0, 0},
                                  {"top", 4096, 0},      {"overhead", 48, 4096 - 352},
                                  {"mmapped", 0, 0},     {"reserved", 0, 0},
                                  {"other", 20080, 4096}});
    CHECK(ledger.resident == 4 * 4096);
    CHECK(ledger.problems.empty());
    // The arena's heap: its second page untouched; no free page whole, so nothing to return.
    REQUIRE(ledger.keep.arenas.size() == 1);
    CHECK(ledger.keep.untouched == 4096);
    CHECK(ledger.keep.free_resident == 0);
    CHECK(ledger.keep.returnable == 0);
    CHECK(ledger.keep.hint.empty());
  }
}
