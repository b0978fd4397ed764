// heap summary: every byte of the process in one bucket; malloc's buckets equal what glibc's
// mallinfo2() said and its arenas' system memory, exactly; leaks as the fixture made them.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include <boost/property_tree/json_parser.hpp>

#include "sim_fixture.h"

using namespace heapwalk::test;
using boost::property_tree::ptree;

namespace {

void check_ledger(Debugger& dbg, const ptree& truth, bool leaky) {
  bool ok = false;
  std::string error;
  std::string out = dbg.run("heap summary --format json", &ok, &error);
  INFO(error << out);
  REQUIRE(ok);
  ptree ledger;
  std::istringstream in(out);
  boost::property_tree::read_json(in, ledger);
  CHECK(ledger.get_child("problems").empty());

  std::map<std::string, uint64_t> bytes;
  uint64_t all = 0, malloc_rows = 0;
  for (const auto& [_, row] : ledger.get_child("buckets")) {
    bytes[row.get<std::string>("bucket")] = row.get<uint64_t>("bytes");
    all += row.get<uint64_t>("bytes");
    if (row.get<bool>("malloc")) malloc_rows += row.get<uint64_t>("bytes");
  }
  CHECK(all == ledger.get<uint64_t>("mapped"));
  uint64_t system_mem = ledger.get<uint64_t>("malloc.arena_system_mem");
  uint64_t mmapped = ledger.get<uint64_t>("malloc.mmapped_bytes");
  CHECK(malloc_rows == system_mem + mmapped);
  CHECK(system_mem == truth.get<uint64_t>("mallinfo2.arena"));
  CHECK(mmapped == truth.get<uint64_t>("mallinfo2.hblkhd"));
  // mallinfo2 counts tcache chunks as in use; fordblks is bins + fastbins + top.
  uint64_t tcache = ledger.get<uint64_t>("malloc.tcache_bytes");
  CHECK(bytes["free"] - tcache + bytes["top"] == truth.get<uint64_t>("mallinfo2.fordblks"));
  CHECK(bytes["code"] > 0);
  CHECK(bytes["stacks"] > 0);
  if (leaky) CHECK(bytes["leaked"] == truth.get<uint64_t>("leaks.bytes"));
  else CHECK(bytes["leaked"] == 0);
}

}  // namespace

TEST_CASE("the ledger balances on the live sim fixture", "[summary][live]") {
  LiveSim sim({"--threads", "2"});
  check_ledger(sim.dbg, sim.truth, false);
  bool ok = false;
  std::string text = sim.dbg.run("heap summary", &ok);
  REQUIRE(ok);
  CHECK(text.rfind("rss:", 0) == 0);
  CHECK(text.find(" arrays:") != std::string::npos);
}

TEST_CASE("the ledger balances on a core of the leaky fixture", "[summary][core]") {
  CoreSim leaky({"--threads", "2"}, leaky_fixture());
  check_ledger(leaky.dbg, leaky.truth, true);
  bool ok = false;
  std::string text = leaky.dbg.run("heap summary", &ok);
  REQUIRE(ok);
  CHECK(text.rfind("core:", 0) == 0);
}
