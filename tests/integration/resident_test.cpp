// Resident memory (docs/ledger.md): the ledger's resident buckets sum exactly to the process's
// Rss; no heap command changes the Rss of the process it reads; what malloc_trim(0) gives back
// is what the ledger said it could. On the resident fixture (fixtures/resident), live.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include <boost/property_tree/json_parser.hpp>

#include "command_output.h"
#include "sim_fixture.h"
#include "walker/memory/residency.h"
#include "walker/session.h"

using namespace heapwalk::test;
using boost::property_tree::ptree;

namespace {

FixtureProgram resident_fixture() { return {HEAPWALK_RESIDENT_FIXTURE, "resident-truth.json"}; }

ptree summary_json(Debugger& dbg) { return json_of(dbg, "heap summary --format json"); }

// The resident buckets sum to the resident total, which is smaps' Rss (exactly) and VmRSS.
void check_resident_books(const ptree& ledger, int pid) {
  INFO("problems: " << ledger.get_child("problems").size());
  for (const auto& [_, p] : ledger.get_child("problems")) INFO(p.data());
  CHECK(ledger.get<std::string>("resident_basis") == "live");
  uint64_t sum = 0, mapped = 0;
  for (const auto& [_, row] : ledger.get_child("buckets")) {
    sum += row.get<uint64_t>("resident");
    mapped += row.get<uint64_t>("bytes");
  }
  uint64_t resident = ledger.get<uint64_t>("resident");
  CHECK(sum == resident);
  CHECK(mapped == ledger.get<uint64_t>("mapped"));
  CHECK(resident == ledger.get<uint64_t>("smaps_rss"));
  // Measured before the walk, and nothing since has changed it.
  auto rollup = heapwalk::walker::Residency::rollup_rss(pid);
  REQUIRE(rollup);
  CHECK(resident == *rollup);
  CHECK(ledger.get<uint64_t>("rss") == resident);  // VmRSS of the stopped process
  CHECK(ledger.get_child("problems").empty());
}

}  // namespace

// Each command in a fresh session (as the CLI runs them) and again in the same stop's.
void check_rss_unchanged(Debugger& dbg, int pid, const std::vector<std::string>& commands) {
  auto before = heapwalk::walker::Residency::rollup_rss(pid);
  REQUIRE(before);
  for (int round = 0; round < 2; ++round)
    for (const std::string& command : commands) {
      if (round == 0) heapwalk::walker::Session::forget_all();
      bool ok = false;
      std::string error;
      dbg.run(command, &ok, &error);
      INFO(command << " (round " << round << "): " << error);
      CHECK(ok);
      auto after = heapwalk::walker::Residency::rollup_rss(pid);
      REQUIRE(after);
      CHECK(*after == *before);
    }
}

TEST_CASE("no heap command changes the Rss of the live process it reads", "[resident][live]") {
  LiveSim live({}, resident_fixture());
  check_rss_unchanged(live.dbg, static_cast<int>(live.process.GetProcessID()),
                      {"heap summary", "heap summary --format json", "heap summary --by module",
                       "heap arenas", "heap partition", "heap leaks", "heap top",
                       "heap warnings", "heap partition --root g_main_churn",
                       "heap size g_main_churn"});
}

TEST_CASE("no heap command changes the Rss of the two-threaded sim", "[resident][live]") {
  LiveSim sim({"--threads", "2"});
  uint64_t object = sim.target.FindFirstGlobalVariable("sim").GetValueAsUnsigned();
  REQUIRE(object != 0);
  check_rss_unchanged(sim.dbg, static_cast<int>(sim.process.GetProcessID()),
                      {"heap summary", "heap partition --root sim --retained", "heap leaks",
                       "heap top", "heap shpaths --kind ConnectionField", "heap size sim",
                       "heap dominators --addr " + std::to_string(object), "heap arenas"});
}

TEST_CASE("the resident ledger sums to the live process's Rss", "[resident][live]") {
  LiveSim live({}, resident_fixture());
  ptree ledger = summary_json(live.dbg);
  check_resident_books(ledger, static_cast<int>(live.process.GetProcessID()));
  // The untouched 8 MiB block and 4 MiB mapping are mapped, not resident.
  CHECK(ledger.get<uint64_t>("mapped") > ledger.get<uint64_t>("resident") + (12u << 20));
}

TEST_CASE("malloc_trim(0) gives back what the ledger said was returnable", "[resident][live]") {
  LiveSim live({}, resident_fixture());
  int pid = static_cast<int>(live.process.GetProcessID());
  ptree before = summary_json(live.dbg);
  check_resident_books(before, pid);
  uint64_t freed = live.truth.get<uint64_t>("main_freed") + live.truth.get<uint64_t>("worker_freed");
  uint64_t returnable = before.get<uint64_t>("malloc_keep.returnable");
  uint64_t free_resident = before.get<uint64_t>("malloc_keep.free_resident");
  INFO("freed " << freed << ", free resident " << free_resident << ", returnable " << returnable);
  // The churn freed ~48 MiB in 1-4 KiB blocks with a survivor every 64: most of it whole pages.
  CHECK(free_resident <= freed + (1u << 20));
  CHECK(returnable > freed / 2);
  CHECK(returnable <= free_resident);
  CHECK(!before.get<std::string>("malloc_keep.hint").empty());

  lldb::SBError error;
  REQUIRE(live.process.Continue().Success());
  REQUIRE(live.process.GetState() == lldb::eStateStopped);  // the second ready()
  ptree after = summary_json(live.dbg);
  check_resident_books(after, pid);
  uint64_t rss_before = before.get<uint64_t>("resident"), rss_after = after.get<uint64_t>("resident");
  INFO("rss " << rss_before << " -> " << rss_after << ", returnable after "
              << after.get<uint64_t>("malloc_keep.returnable"));
  CHECK(after.get<uint64_t>("malloc_keep.returnable") < (64u << 10));
  // Rss fell by what was returnable, within 2 %.
  REQUIRE(rss_before > rss_after);
  uint64_t fell = rss_before - rss_after;
  CHECK(fell * 100 >= returnable * 98);
  CHECK(fell * 100 <= returnable * 102);
}
