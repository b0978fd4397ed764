// (a) of the issue: the chunk enumeration's totals equal what glibc's own mallinfo2() said in
// the fixture, field by field — live at ready() and from a gcore core, with worker threads
// (non-main arenas), tcache and fastbin chunks, free chunks in bins, and an mmapped block.
#include <catch2/catch.hpp>

#include "sim_fixture.h"
#include "walker/session.h"
#include "walker/target_memory.h"

using namespace heapwalk;
using namespace heapwalk::test;

namespace {

void check_mallinfo(walker::Session& session, const boost::property_tree::ptree& truth) {
  for (const std::string& w : session.heap().warnings) WARN(w);
  CHECK(session.heap().warnings.empty());
  walker::MallinfoTotals m = session.heap().mallinfo();
  auto expected = [&](const char* field) { return truth.get<uint64_t>(std::string("mallinfo2.") + field); };
  CHECK(m.arena == expected("arena"));
  CHECK(m.ordblks == expected("ordblks"));
  CHECK(m.smblks == expected("smblks"));
  CHECK(m.hblks == expected("hblks"));
  CHECK(m.hblkhd == expected("hblkhd"));
  CHECK(m.fsmblks == expected("fsmblks"));
  CHECK(m.uordblks == expected("uordblks"));
  CHECK(m.fordblks == expected("fordblks"));
  CHECK(m.keepcost == expected("keepcost"));
  // Worker threads got arenas of their own, and each left chunks in its tcache.
  size_t threads = truth.get<size_t>("threads");
  REQUIRE(session.heap().arenas.size() == threads + 1);
  for (const walker::ArenaCensus& arena : session.heap().arenas) CHECK(arena.tcache_chunks > 0);
}

}  // namespace

TEST_CASE("chunk census equals mallinfo2, live", "[malloc][live]") {
  LiveSim sim({"--threads", "3"});
  auto session = walker::Session::current(sim.target);
  CHECK(session->memory().source().find("/proc/") == 0);
  check_mallinfo(*session, sim.truth);
}

TEST_CASE("chunk census equals mallinfo2, from a core", "[malloc][core]") {
  CoreSim sim({"--threads", "2", "--big-block-mb", "16"});
  auto session = walker::Session::current(sim.target);
  // The core file LLDB has mapped is found and used directly.
  CHECK(session->memory().source() == "core file " + sim.core_path);
  check_mallinfo(*session, sim.truth);
}
