// (a) of the issue: the chunk enumeration's totals equal what glibc's own mallinfo2() said in
// the fixture, field by field — live at ready() and from a gcore core, with worker threads
// (non-main arenas), tcache and fastbin chunks, free chunks in bins, and an mmapped block.
//
// Then the same on fixtures/malloc_shapes, which puts malloc in every shape on purpose (a thread
// arena of two heaps, every bin kind, plain and memalign'd mmapped chunks) and also lists its
// live blocks with malloc_usable_size: those must be in the allocation table, exactly.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include <gnu/libc-version.h>

#include <set>

#include <fmt/format.h>

#include "mallinfo_check.h"
#include "sim_fixture.h"
#include "support.h"
#include "walker/malloc/malloc_heap.h"
#include "walker/memory/memory_image.h"
#include "walker/session.h"
#include "walker/memory/target_memory.h"

using namespace heapwalk;
using namespace heapwalk::test;

namespace {


}  // namespace

TEST_CASE("chunk census equals mallinfo2, live", "[malloc][live]") {
  LiveSim sim({"--threads", "3"});
  auto session = walker::Session::current(sim.target);
  CHECK(session->memory().source().find("/proc/") == 0);
  check_mallinfo(session->heap(), sim.truth);
}

TEST_CASE("chunk census equals mallinfo2, from a core", "[malloc][core]") {
  CoreSim sim({"--threads", "2", "--big-block-mb", "16"});
  auto session = walker::Session::current(sim.target);
  // The core file LLDB has mapped is found and used directly.
  CHECK(session->memory().source() == "core file " + sim.core_path);
  check_mallinfo(session->heap(), sim.truth);
}

#ifdef HEAPWALK_MALLOC_FIXTURE

namespace {

using boost::property_tree::ptree;

// Every mallinfo2 field, the scan's mmapped totals, the shapes, and each live block.
void check_against_truth(const walker::MallocHeap& heap, const ptree& truth) {
  for (const std::string& w : heap.warnings) WARN(w);
  CHECK(heap.warnings.empty());
  walker::MallinfoTotals m = heap.mallinfo();
  auto expected = [&](const char* field) {
    return truth.get<uint64_t>(std::string("mallinfo2.") + field);
  };
  CHECK(m.arena == expected("arena"));
  CHECK(m.ordblks == expected("ordblks"));
  CHECK(m.smblks == expected("smblks"));
  CHECK(m.hblks == expected("hblks"));
  CHECK(m.hblkhd == expected("hblkhd"));
  CHECK(m.usmblks == expected("usmblks"));
  CHECK(m.fsmblks == expected("fsmblks"));
  CHECK(m.uordblks == expected("uordblks"));
  CHECK(m.fordblks == expected("fordblks"));
  CHECK(m.keepcost == expected("keepcost"));
  CHECK(heap.mmapped_chunks == expected("hblks"));
  CHECK(heap.mmapped_bytes == expected("hblkhd"));

  REQUIRE(heap.arenas.size() == truth.get<size_t>("threads") + 1);
  size_t multi_heap_arenas = 0;
  for (const walker::ArenaCensus& arena : heap.arenas) {
    CHECK(arena.tcache_chunks > 0);
    CHECK(arena.fast_free_chunks > 0);
    CHECK(arena.bin_free_chunks > 0);
    if (arena.heaps.size() > 1) ++multi_heap_arenas;
  }
  CHECK(multi_heap_arenas == 1);  // thread 1 outgrew its first 64 MiB heap

  // Each block the fixture holds is an allocation of exactly malloc_usable_size's size.
  std::set<uint64_t> live;
  size_t missing = 0, wrong_size = 0, mmapped = 0;
  for (const auto& [_, entry] : truth.get_child("live")) {
    auto it = entry.begin();
    uint64_t address = it->second.get_value<uint64_t>();
    uint64_t usable = std::next(it)->second.get_value<uint64_t>();
    live.insert(address);
    auto node = heap.in_use.find(address);
    if (!node || heap.in_use.address(*node) != address) {
      if (++missing <= 5) UNSCOPED_INFO(fmt::format("live block 0x{:x} not found", address));
      continue;
    }
    if (heap.in_use.usable_size(*node) != usable && ++wrong_size <= 5)
      UNSCOPED_INFO(fmt::format("block 0x{:x}: usable {} found, {} expected", address,
                                heap.in_use.usable_size(*node), usable));
    if (heap.in_use.mmapped(*node)) ++mmapped;
  }
  CHECK(live.size() > 1000);
  CHECK(missing == 0);
  CHECK(wrong_size == 0);
  CHECK(mmapped == 2);  // 4 MiB plain and 1 MiB aligned to 64 KiB
  // Blocks it freed (into tcache, fastbins or bins) are not allocations.
  size_t freed_found = 0;
  for (const auto& [_, entry] : truth.get_child("freed")) {
    uint64_t address = entry.get_value<uint64_t>();
    auto node = heap.in_use.find(address);
    if (!live.count(address) && node && heap.in_use.address(*node) == address && ++freed_found <= 5)
      UNSCOPED_INFO(fmt::format("freed block 0x{:x} is listed as in use", address));
  }
  CHECK(freed_found == 0);
}

std::string shapes_truth(const std::string& dir) { return dir + "/malloc-truth.json"; }

}  // namespace

TEST_CASE("malloc_shapes: census equals mallinfo2 and live blocks, live", "[malloc][live]") {
  std::string dir = make_temp_dir("malloc-live");
  auto fixture = launch_to_ready(HEAPWALK_MALLOC_FIXTURE, {shapes_truth(dir)}, dir);
  ptree truth = read_json_file(shapes_truth(dir));
  auto memory = walker::open_proc_mem_image(static_cast<int>(fixture->process.GetProcessID()),
                                            walker::lldb_regions(fixture->process));
  REQUIRE(memory);
  walker::GlibcLayout layout = walker::load_glibc_layout(fixture->target);
  CHECK(layout.version == gnu_get_libc_version());
  CHECK(layout.tcache_key_addr != 0);
  check_against_truth(walker::enumerate_glibc_heap(*memory, layout), truth);
}

TEST_CASE("malloc_shapes: census equals mallinfo2 and live blocks, from a gcore core",
          "[malloc][core]") {
  std::string dir = make_temp_dir("malloc-core");
  std::string core = make_gcore(HEAPWALK_MALLOC_FIXTURE, {shapes_truth(dir)}, dir, shapes_truth(dir));
  ptree truth = read_json_file(shapes_truth(dir));
  auto loaded = load_core(HEAPWALK_MALLOC_FIXTURE, core);
  auto memory = walker::open_core_image(core);
  REQUIRE(memory);
  CHECK(memory->problems().empty());
  walker::GlibcLayout layout = walker::load_glibc_layout(loaded->target);
  CHECK(layout.version == gnu_get_libc_version());  // from libc's file: cores omit .rodata
  check_against_truth(walker::enumerate_glibc_heap(*memory, layout), truth);
  if (!std::getenv("HEAPWALK_KEEP_CORES")) std::filesystem::remove(core);  // the truth stays
}

#endif  // HEAPWALK_MALLOC_FIXTURE
