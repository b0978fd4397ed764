// heap arenas' rendering on a hand-made heap: the numbers add up, the JSON parses and says what
// docs/json.md says, the CSV is rectangular with a TOTAL line.
#include "report/arenas_render.h"

#include <sstream>
#include <string>

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <catch2/catch.hpp>

using heapwalk::report::arena_figures;
using heapwalk::report::human_size;
using heapwalk::report::render_arenas_csv;
using heapwalk::report::render_arenas_json;
using heapwalk::report::render_arenas_text;
using heapwalk::report::sum_arenas;
using heapwalk::report::TcacheOwners;
using heapwalk::walker::ArenaCensus;
using heapwalk::walker::MallocHeap;
using heapwalk::walker::TcacheCensus;

namespace {

ArenaCensus arena(uint64_t address, bool main) {
  ArenaCensus a;
  a.address = address;
  a.main = main;
  a.heaps.push_back({address, address + 0x21000});
  a.in_use_chunks = 100;
  a.in_use_bytes = 8000;
  a.fast_free_chunks = 2;
  a.fast_free_bytes = 64;
  a.tcache_chunks = 3;
  a.tcache_bytes = 96;
  a.unsorted_chunks = 1;
  a.unsorted_bytes = 1040;
  a.small_chunks = 1;
  a.small_bytes = 800;
  a.large_chunks = 0;
  a.large_bytes = 0;
  a.bin_free_chunks = 2;
  a.bin_free_bytes = 1840;
  a.largest_free = 1040;
  a.top_size = 125000;
  a.overhead_bytes = main ? 0 : 2168;
  a.system_mem = a.in_use_bytes + a.fast_free_bytes + a.tcache_bytes + a.bin_free_bytes +
                 a.top_size + a.overhead_bytes;
  return a;
}

MallocHeap two_arenas() {
  MallocHeap heap;
  heap.arenas = {arena(0x7ffff7e19c80, true), arena(0x7ffff0000030, false)};
  heap.mmapped_chunks = 1;
  heap.mmapped_bytes = 4198400;
  TcacheCensus t;
  t.address = 0x5555555592a0;
  t.arena = 0x7ffff7e19c80;
  t.bins = {{32, 2}, {48, 1}};
  t.chunks = 3;
  t.bytes = 112;
  heap.tcaches.push_back(t);
  TcacheCensus empty;
  empty.address = 0x7ffff00008e0;
  empty.arena = 0x7ffff0000030;
  heap.tcaches.push_back(empty);
  return heap;
}

TcacheOwners first_owned() {
  TcacheOwners owners;
  owners.attributed = true;
  owners.by_address[0x5555555592a0] = {1, 4242};
  return owners;
}

boost::property_tree::ptree parse(const std::string& json) {
  std::istringstream in(json);
  boost::property_tree::ptree tree;
  boost::property_tree::read_json(in, tree);
  return tree;
}

}  // namespace

TEST_CASE("human sizes read as bloaty's", "[arenas]") {
  CHECK(human_size(0) == "0");
  CHECK(human_size(1023) == "1023");
  CHECK(human_size(1024) == "1.00Ki");
  CHECK(human_size(2880) == "2.81Ki");
  CHECK(human_size(1327104) == "1.27Mi");
  CHECK(human_size(3ull << 30) == "3.00Gi");
}

TEST_CASE("fragmentation is 1 - largest free / free outside top", "[arenas]") {
  ArenaCensus a = arena(0x1000, true);
  auto figures = arena_figures(a);
  CHECK(figures.free_chunks == 2 + 3 + 1 + 1);
  CHECK(figures.free_bytes == 64 + 96 + 1040 + 800);
  CHECK(figures.largest_free == 1040);
  CHECK(figures.fragmentation == Approx(1.0 - 1040.0 / 2000.0));
  ArenaCensus nothing_free;
  CHECK(arena_figures(nothing_free).fragmentation == 0.0);
}

TEST_CASE("arenas text: a table per arena whose rows add up, totals, tcaches", "[arenas]") {
  MallocHeap heap = two_arenas();
  std::string text = render_arenas_text(heap, first_owned());
  CHECK(text.find("Arena 0x7ffff7e19c80 (main), 1 heap: 135000 bytes (131.84Ki) of system "
                  "memory.\n") == 0);
  CHECK(text.find("  free: unsorted          1         1040    1.02Ki    0.8\n") !=
        std::string::npos);
  CHECK(text.find("  TOTAL                           135000  131.84Ki  100.0\n") !=
        std::string::npos);
  CHECK(text.find("All 2 arenas: 272168 bytes") != std::string::npos);
  CHECK(text.find("  top                     2       250000") != std::string::npos);
  CHECK(text.find("fragmentation 0.48.") != std::string::npos);
  CHECK(text.find("Mmapped outside the arenas: 1 chunk, 4198400 bytes (4.00Mi).") !=
        std::string::npos);
  CHECK(text.find("#1 (tid 4242)") != std::string::npos);
  CHECK(text.find("32x2 48x1") != std::string::npos);
  CHECK(text.find("none") != std::string::npos);  // attributed, but no thread points at it
  CHECK(text.find("(empty)") != std::string::npos);
  CHECK(text.find("Threads unknown") == std::string::npos);
  CHECK(text.back() == '\n');
}

TEST_CASE("arenas text says when threads are unknown", "[arenas]") {
  TcacheOwners unknown;
  unknown.why_not = "no symbol for libc's `tcache` (install libc6-dbg)";
  std::string text = render_arenas_text(two_arenas(), unknown);
  CHECK(text.find("Threads unknown: no symbol for libc's `tcache` (install libc6-dbg)\n") !=
        std::string::npos);
  CHECK(text.find("unknown            ") != std::string::npos);
}

TEST_CASE("arenas JSON: documented fields, invariants hold", "[arenas]") {
  MallocHeap heap = two_arenas();
  auto tree = parse(render_arenas_json(heap, first_owned()));
  const auto& arenas = tree.get_child("arenas");
  REQUIRE(arenas.size() == 2);
  uint64_t system_mem = 0;
  for (const auto& [_, a] : arenas) {
    uint64_t sum = a.get<uint64_t>("in_use.bytes") + a.get<uint64_t>("top") +
                   a.get<uint64_t>("overhead");
    for (const char* kind : {"fastbins", "tcache", "unsorted", "small", "large"})
      sum += a.get<uint64_t>(std::string("free.") + kind + ".bytes");
    CHECK(sum == a.get<uint64_t>("system_mem"));
    system_mem += a.get<uint64_t>("system_mem");
  }
  CHECK(arenas.front().second.get<std::string>("address") == "0x7ffff7e19c80");
  CHECK(arenas.front().second.get<bool>("main"));
  CHECK(arenas.front().second.get<uint64_t>("free.tcache.chunks") == 3);
  CHECK(arenas.front().second.get<double>("fragmentation") == Approx(0.48));
  CHECK(tree.get<uint64_t>("totals.system_mem") == system_mem);
  CHECK(tree.get<uint64_t>("totals.arenas") == 2);
  CHECK(tree.get<uint64_t>("totals.top") == 250000);
  CHECK(tree.get<uint64_t>("mmapped.bytes") == 4198400);
  CHECK(tree.get<bool>("threads_attributed"));

  const auto& tcaches = tree.get_child("tcaches");
  REQUIRE(tcaches.size() == 2);
  const auto& first = tcaches.front().second;
  CHECK(first.get<std::string>("address") == "0x5555555592a0");
  CHECK(first.get<std::string>("arena") == "0x7ffff7e19c80");
  CHECK(first.get<uint64_t>("thread.index") == 1);
  CHECK(first.get<uint64_t>("thread.tid") == 4242);
  CHECK(first.get<uint64_t>("chunks") == 3);
  CHECK(first.get<uint64_t>("bytes") == 112);
  REQUIRE(first.get_child("bins").size() == 2);
  CHECK(first.get_child("bins").front().second.get<uint64_t>("size") == 32);
  CHECK(first.get_child("bins").front().second.get<uint64_t>("count") == 2);
  // boost reads JSON null as an empty string.
  CHECK(std::next(tcaches.begin())->second.get<std::string>("thread") == "null");
}

TEST_CASE("arenas JSON without threads says why", "[arenas]") {
  TcacheOwners unknown;
  unknown.why_not = "libc.so is not loaded";
  auto tree = parse(render_arenas_json(two_arenas(), unknown));
  CHECK_FALSE(tree.get<bool>("threads_attributed"));
  CHECK(tree.get<std::string>("threads_unknown_reason") == "libc.so is not loaded");
}

TEST_CASE("arenas CSV: a header, one line per arena, a TOTAL line, all of one width",
          "[arenas]") {
  std::string csv = render_arenas_csv(two_arenas());
  std::istringstream in(csv);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  REQUIRE(lines.size() == 4);
  auto fields = [](const std::string& l) { return std::count(l.begin(), l.end(), ',') + 1; };
  for (const std::string& l : lines) CHECK(fields(l) == 19);
  CHECK(lines[0].starts_with("arena,main,system_mem,in_use_chunks,in_use_bytes,"));
  CHECK(lines[1].starts_with("0x7ffff7e19c80,true,135000,100,8000,2,64,3,96,1,1040,1,800,0,0,"));
  CHECK(lines[3].starts_with("TOTAL,,272168,"));
  CHECK(csv.back() == '\n');
}
