// heap summary: every byte of the process in one bucket; malloc's buckets equal what glibc's
// mallinfo2() said and its arenas' system memory, exactly; leaks as the fixture made them.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include <boost/property_tree/json_parser.hpp>

#include "command_output.h"
#include "sim_fixture.h"
#include "walker/memory/residency.h"

using namespace heapwalk::test;
using boost::property_tree::ptree;

namespace {

// Live: the resident buckets sum exactly to smaps' Rss, which is the process's Rss now (the
// walk changed nothing) and its VmRSS. A core: the resident column is an estimate, said so.
void check_resident(const ptree& ledger, int pid) {
  uint64_t sum = 0;
  for (const auto& [_, row] : ledger.get_child("buckets")) sum += row.get<uint64_t>("resident");
  CHECK(sum == ledger.get<uint64_t>("resident"));
  if (pid == 0) {
    CHECK(ledger.get<std::string>("resident_basis") == "core_estimate");
    CHECK(ledger.get<uint64_t>("resident") <= ledger.get<uint64_t>("core_bytes"));
    return;
  }
  CHECK(ledger.get<std::string>("resident_basis") == "live");
  CHECK(sum == ledger.get<uint64_t>("smaps_rss"));
  CHECK(sum == ledger.get<uint64_t>("rss"));
  auto rollup = heapwalk::walker::Residency::rollup_rss(pid);
  REQUIRE(rollup);
  CHECK(sum == *rollup);
}

// The arrays row by element type: the fixture's float[] and double[] arrays, exactly, and its
// one make_shared weights buffer, held by the projection and each of its shared CFs, marked
// shared once.
void check_arrays(const ptree& ledger, const ptree& truth) {
  std::map<std::string, ptree> rows;
  uint64_t bytes = 0;
  for (const auto& [_, row] : ledger.get_child("arrays")) {
    rows[row.get<std::string>("kind")] = row;
    bytes += row.get<uint64_t>("bytes");
  }
  for (const auto& [kind, bytes_row] : ledger.get_child("buckets"))
    if (bytes_row.get<std::string>("bucket") == "arrays") CHECK(bytes == bytes_row.get<uint64_t>("bytes"));
  for (const char* kind : {"float[]", "double[]"}) {
    INFO(kind);
    REQUIRE(rows.count(kind));
    const ptree& row = rows[kind];
    const ptree& expected = truth.get_child(ptree::path_type(std::string("arrays/") + kind, '/'));
    CHECK(row.get<uint64_t>("arrays") == expected.get<uint64_t>("arrays"));
    CHECK(row.get<uint64_t>("elements") == expected.get<uint64_t>("elements"));
    CHECK(row.get<uint64_t>("uncounted_arrays") == 0);
  }
  const ptree& floats = rows["float[]"];
  CHECK(floats.get<uint64_t>("shared_arrays") == truth.get<uint64_t>("shared_weights.arrays"));
  CHECK(floats.get<uint64_t>("shared_elements") == truth.get<uint64_t>("shared_weights.float_count"));
  uint64_t owners = truth.get<uint64_t>("classes.SharedConnectionField") + 1;
  CHECK(floats.get<uint64_t>("shared_owners") == owners);
  CHECK(floats.get<uint64_t>("owned_elements") ==
        floats.get<uint64_t>("elements") + (owners - 1) * truth.get<uint64_t>("shared_weights.float_count"));
  CHECK(rows["double[]"].get<uint64_t>("shared_arrays") == 0);
}

void check_ledger(Debugger& dbg, const ptree& truth, bool leaky, int pid) {
  ptree ledger = json_of(dbg, "heap summary --format json");
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
  check_resident(ledger, pid);
  if (!leaky) check_arrays(ledger, truth);
  CHECK(bytes["code"] > 0);
  CHECK(bytes["stacks"] > 0);
  if (leaky) CHECK(bytes["leaked"] == truth.get<uint64_t>("leaks.bytes"));
  else CHECK(bytes["leaked"] == 0);
}

}  // namespace

TEST_CASE("the ledger balances on the live sim fixture", "[summary][live]") {
  LiveSim sim({"--threads", "2"});
  check_ledger(sim.dbg, sim.truth, false, static_cast<int>(sim.process.GetProcessID()));
  bool ok = false;
  std::string text = sim.dbg.run("heap summary", &ok);
  REQUIRE(ok);
  CHECK(text.rfind("topsize:", 0) == 0);
  CHECK(text.find("\nmapped:") != std::string::npos);
  CHECK(text.find(" arrays:") != std::string::npos);
}

TEST_CASE("the ledger balances on a core of the leaky fixture", "[summary][core]") {
  CoreSim leaky({"--threads", "2"}, leaky_fixture());
  check_ledger(leaky.dbg, leaky.truth, true, 0);
  bool ok = false;
  std::string text = leaky.dbg.run("heap summary", &ok);
  REQUIRE(ok);
  CHECK(text.rfind("core:", 0) == 0);
  CHECK(text.find("=? estimate:") != std::string::npos);
  CHECK(text.find("A core has no residency") != std::string::npos);
}

TEST_CASE("the resident ledger balances after churn, single-threaded", "[summary][live]") {
  LiveSim sim({});
  check_ledger(sim.dbg, sim.truth, false, static_cast<int>(sim.process.GetProcessID()));
}

TEST_CASE("heap summary --by module: code and libraries by module", "[summary][live]") {
  LiveSim sim({"--threads", "2"});
  bool ok = false;
  std::string error;
  std::string out = sim.dbg.run("heap summary --by module --format json", &ok, &error);
  INFO(error << out);
  REQUIRE(ok);
  ptree modules;
  std::istringstream in(out);
  boost::property_tree::read_json(in, modules);
  std::map<std::string, ptree> by_name;
  uint64_t resident = 0;
  for (const auto& [_, m] : modules.get_child("modules")) {
    by_name[m.get<std::string>("module")] = m;
    resident += m.get<uint64_t>("resident");
  }
  CHECK(resident == modules.get<uint64_t>("resident"));
  REQUIRE(by_name.count("libc.so.6"));
  const ptree& libc = by_name["libc.so.6"];
  CHECK(libc.get<uint64_t>("parts.text.resident") > 0);
  CHECK(libc.get<uint64_t>("parts.text.mapped") >= libc.get<uint64_t>("parts.text.resident"));
  CHECK(libc.get<uint64_t>("parts.relro.mapped") > 0);
  CHECK(libc.get<uint64_t>("parts.data.mapped") > 0);
  CHECK(libc.get<uint64_t>("parts.bss.mapped") > 0);
  REQUIRE(by_name.count("heapwalk_fixture_sim"));
  // The ledger's code row is every file-backed mapping: the modules' file-backed parts.
  std::string ledger_out = sim.dbg.run("heap summary --format json", &ok);
  REQUIRE(ok);
  ptree ledger;
  std::istringstream lin(ledger_out);
  boost::property_tree::read_json(lin, ledger);
  uint64_t code = 0, file_parts = 0;
  for (const auto& [_, row] : ledger.get_child("buckets"))
    if (row.get<std::string>("bucket") == "code") code = row.get<uint64_t>("resident");
  for (const auto& [_, m] : modules.get_child("modules"))
    file_parts += m.get<uint64_t>("resident") - m.get<uint64_t>("parts.bss.resident");
  CHECK(code == file_parts);
}

TEST_CASE("a core's ledger: arrays by element type, resident bytes an estimate", "[summary][core]") {
  CoreSim sim({"--threads", "2"});
  check_ledger(sim.dbg, sim.truth, false, 0);
}
