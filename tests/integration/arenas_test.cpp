// heap arenas on the sim fixture with worker threads, live at ready() and from a gcore core:
// each arena's states add up to its system memory, the sums over arenas are the mallinfo2() the
// fixture wrote, every arena has a tcache, and every tcache belongs to one of the threads.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include <boost/property_tree/json_parser.hpp>

#include "sim_fixture.h"

using namespace heapwalk::test;
using boost::property_tree::ptree;

namespace {

constexpr const char* kFreeKinds[] = {"fastbins", "tcache", "unsorted", "small", "large"};

ptree arenas_json(Debugger& dbg) {
  bool ok = false;
  std::string error;
  std::string out = dbg.run("heap arenas --format json", &ok, &error);
  INFO(error);
  REQUIRE(ok);
  ptree tree;
  std::istringstream in(out);
  boost::property_tree::read_json(in, tree);
  return tree;
}

uint64_t free_bytes(const ptree& arena, const char* kind) {
  return arena.get<uint64_t>(std::string("free.") + kind + ".bytes");
}
uint64_t free_chunks(const ptree& arena, const char* kind) {
  return arena.get<uint64_t>(std::string("free.") + kind + ".chunks");
}

void check_arenas(const ptree& report, const ptree& truth, uint64_t pid) {
  auto expected = [&](const char* field) {
    return truth.get<uint64_t>(std::string("mallinfo2.") + field);
  };
  size_t threads = truth.get<size_t>("threads");
  const ptree& arenas = report.get_child("arenas");
  REQUIRE(arenas.size() == threads + 1);

  uint64_t system_mem = 0, fordblks = 0, fsmblks = 0, smblks = 0, ordblks = 0, main_top = 0;
  std::set<std::string> addresses;
  size_t mains = 0;
  for (const auto& [_, a] : arenas) {
    INFO("arena " << a.get<std::string>("address"));
    addresses.insert(a.get<std::string>("address"));
    uint64_t sum = a.get<uint64_t>("in_use.bytes") + a.get<uint64_t>("top") +
                   a.get<uint64_t>("overhead");
    for (const char* kind : kFreeKinds) sum += free_bytes(a, kind);
    CHECK(sum == a.get<uint64_t>("system_mem"));
    CHECK(a.get<double>("fragmentation") >= 0.0);
    CHECK(a.get<double>("fragmentation") < 1.0);
    CHECK(a.get<uint64_t>("largest_free") > 0);
    system_mem += a.get<uint64_t>("system_mem");
    fordblks += free_bytes(a, "fastbins") + free_bytes(a, "unsorted") + free_bytes(a, "small") +
                free_bytes(a, "large") + a.get<uint64_t>("top");
    fsmblks += free_bytes(a, "fastbins");
    smblks += free_chunks(a, "fastbins");
    ordblks += free_chunks(a, "unsorted") + free_chunks(a, "small") + free_chunks(a, "large") + 1;
    if (a.get<bool>("main")) {
      ++mains;
      main_top = a.get<uint64_t>("top");
    }
  }
  CHECK(mains == 1);
  CHECK(system_mem == expected("arena"));
  CHECK(fordblks == expected("fordblks"));
  CHECK(fsmblks == expected("fsmblks"));
  CHECK(smblks == expected("smblks"));
  CHECK(ordblks == expected("ordblks"));
  CHECK(system_mem - fordblks == expected("uordblks"));
  CHECK(main_top == expected("keepcost"));
  CHECK(report.get<uint64_t>("mmapped.chunks") == expected("hblks"));
  CHECK(report.get<uint64_t>("mmapped.bytes") == expected("hblkhd"));
  CHECK(report.get<uint64_t>("totals.system_mem") == expected("arena"));
  CHECK(report.get<uint64_t>("totals.arenas") == threads + 1);

  // Every arena has a tcache; each tcache holds what its arena's tcache row says it holds. The
  // fixture's g_zeroed_page (a zeroed 0x290 chunk a typed global holds) is not one of them.
  INFO(report.get<std::string>("threads_unknown_reason", ""));
  CHECK(report.get<bool>("threads_attributed"));
  std::set<std::string> tcache_arenas;
  std::set<uint64_t> tids;
  uint64_t tcache_chunks = 0;
  for (const auto& [_, t] : report.get_child("tcaches")) {
    INFO("tcache " << t.get<std::string>("address"));
    tcache_arenas.insert(t.get<std::string>("arena"));
    uint64_t counted = 0;
    for (const auto& [__, bin] : t.get_child("bins")) counted += bin.get<uint64_t>("count");
    CHECK(counted == t.get<uint64_t>("chunks"));
    tcache_chunks += t.get<uint64_t>("chunks");
    REQUIRE(t.get_child("thread").size() == 2);  // {"index", "tid"}, not null
    CHECK(t.get<uint64_t>("thread.index") > 0);
    tids.insert(t.get<uint64_t>("thread.tid"));
  }
  CHECK(tcache_arenas == addresses);
  CHECK(tids.size() == threads + 1);  // the main thread and each worker: one tcache each
  CHECK(tids.count(pid) == 1);        // the main thread's tid is the process id
  uint64_t arena_tcache_chunks = 0;
  for (const auto& [_, a] : arenas) arena_tcache_chunks += free_chunks(a, "tcache");
  CHECK(tcache_chunks == arena_tcache_chunks);
}

void check_text(Debugger& dbg) {
  bool ok = false;
  std::string text = dbg.run("heap arenas", &ok);
  REQUIRE(ok);
  CHECK(text.find("(main), 1 heap:") != std::string::npos);
  CHECK(text.find("All 3 arenas:") != std::string::npos);
  CHECK(text.find("Tcaches: 3.") != std::string::npos);
  CHECK(text.find("Threads unknown") == std::string::npos);
  CHECK(text.find(" #1 (tid ") != std::string::npos);
}

}  // namespace

TEST_CASE("heap arenas adds up and equals mallinfo2, live", "[arenas][live]") {
  LiveSim sim({"--threads", "2"});
  check_arenas(arenas_json(sim.dbg), sim.truth, sim.process.GetProcessID());
  check_text(sim.dbg);
}

TEST_CASE("heap arenas adds up and equals mallinfo2, from a core", "[arenas][core]") {
  CoreSim sim({"--threads", "2"});
  check_arenas(arenas_json(sim.dbg), sim.truth, sim.truth.get<uint64_t>("pid"));
  check_text(sim.dbg);
}

TEST_CASE("help heap arenas shows syntax, description and options", "[arenas]") {
  Debugger dbg;
  bool ok = false;
  std::string help = dbg.run("help heap arenas", &ok);
  REQUIRE(ok);
  CHECK(help.find("heap arenas [--format text|json|csv] [--out <FILE>]") != std::string::npos);
  CHECK(help.find("fragmentation") != std::string::npos);
  CHECK(help.find("--format") != std::string::npos);
  CHECK(help.find("--out") != std::string::npos);
}

TEST_CASE("heap arenas without a target fails in one line", "[arenas]") {
  Debugger dbg;
  bool ok = true;
  std::string error;
  dbg.run("heap arenas", &ok, &error);
  CHECK_FALSE(ok);
  CHECK(error.find("heap arenas: no target") != std::string::npos);
}
