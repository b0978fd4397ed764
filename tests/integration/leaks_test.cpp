// heap leaks on the leaky fixture, live and from a core, against the leaks it made on purpose:
// every reported leak is a true one, none is missed, the direct/indirect split matches, and
// what is reachable only through TLS, a stack slot or an untyped pointer is not reported.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "command_output.h"

using namespace heapwalk::test;
using boost::property_tree::ptree;

namespace {

std::set<std::string> leaked_in_truth(const ptree& truth) {
  std::set<std::string> addresses;
  for (const auto& [_, block] : truth.get_child("leaks.blocks"))
    addresses.insert(block.get<std::string>("address"));
  return addresses;
}

std::set<std::string> reachable_in_truth(const ptree& truth) {
  std::set<std::string> addresses{truth.get<std::string>("reachable.conservative_only.address")};
  for (const char* list : {"reachable.tls_only", "reachable.stack_only"})
    for (const auto& [_, block] : truth.get_child(list))
      addresses.insert(block.get<std::string>("address"));
  return addresses;
}

void check_leaks(Debugger& dbg, const ptree& truth) {
  // --show with a large N lists every leaked address in the JSON.
  ptree report = json_of(dbg, "heap leaks --format json --show 1000000");
  std::set<std::string> reported = sampled_addresses(report);

  std::set<std::string> truly_leaked = leaked_in_truth(truth);
  for (const std::string& address : reported) {
    INFO("reported " << address);
    CHECK(truly_leaked.count(address) == 1);  // precision: 100 %
  }
  for (const std::string& address : truly_leaked) {
    INFO("missed " << address);
    CHECK(reported.count(address) == 1);  // this fixture leaves no stale copies: recall 100 %
  }
  for (const std::string& address : reachable_in_truth(truth)) CHECK(reported.count(address) == 0);
  CHECK(report.get<uint64_t>("count") == truth.get<uint64_t>("leaks.count"));
  CHECK(report.get<uint64_t>("size") == truth.get<uint64_t>("leaks.bytes"));
  CHECK(report.get<uint64_t>("direct") == truth.get<uint64_t>("leaks.direct"));
  CHECK(report.get<uint64_t>("indirect") == truth.get<uint64_t>("leaks.indirect"));
}

}  // namespace

TEST_CASE("heap leaks finds exactly the fixture's leaks, live", "[leaks][live]") {
  LiveSim leaky({"--threads", "3"}, leaky_fixture());
  check_leaks(leaky.dbg, leaky.truth);
}

TEST_CASE("heap leaks finds exactly the fixture's leaks, from a core", "[leaks][core]") {
  CoreSim leaky({"--threads", "2"}, leaky_fixture());
  check_leaks(leaky.dbg, leaky.truth);
}

TEST_CASE("leak kinds come from vtables and typed pointers", "[leaks][live]") {
  LiveSim leaky({"--threads", "1"}, leaky_fixture());
  bool ok = false;
  std::string text = leaky.dbg.run("heap leaks --limit 50 --show 1", &ok);
  REQUIRE(ok);
  CHECK(text.find(" Widget\n") != std::string::npos);
  CHECK(text.find(" Gadget\n") != std::string::npos);
  CHECK(text.find(" Blob\n") != std::string::npos);  // inferred through Gadget's Blob*
  CHECK(text.find("<untyped 24 bytes>") != std::string::npos);
  CHECK(text.find(" leaks: ") != std::string::npos);
  CHECK(text.find("|") != std::string::npos);  // the hex + ASCII preview
}

TEST_CASE("the sim fixture leaks nothing", "[leaks][live]") {
  LiveSim sim({"--threads", "2"});
  bool ok = false;
  std::string text = sim.dbg.run("heap leaks", &ok);
  REQUIRE(ok);
  CHECK(text.find("0 leaks: 0 direct, 0 indirect.") != std::string::npos);
}

// Run by the test below in a fresh process: LLDB keeps libc's debug info for the life of a
// process once any target has loaded it.
TEST_CASE("child: leaks without libc debug info", "[.][nodebug-leaks-child]") {
  FixtureProgram program = leaky_fixture();
  program.hide_libc_debug_info = true;
  LiveSim leaky({"--threads", "2"}, program);
  REQUIRE_FALSE(leaky.target.FindFirstType("malloc_state").IsValid());
  check_leaks(leaky.dbg, leaky.truth);
  bool ok = false;
  std::string summary = leaky.dbg.run("heap summary", &ok);
  INFO(summary);
  CHECK(ok);
  CHECK(summary.find("note:") == std::string::npos);  // the books balance
  std::string arenas = leaky.dbg.run("heap arenas", &ok);
  INFO(arenas);
  CHECK(ok);
  CHECK(arenas.find("Tcaches: 3.") != std::string::npos);  // found, though no owner is named
}

TEST_CASE("heap leaks is exact without libc debug info too", "[leaks][nodebug]") {
  std::string log = make_work_dir("nodebug-leaks") + "/child.log";
  int status = std::system(
      fmt::format("/proc/{}/exe '[nodebug-leaks-child]' >{} 2>&1", getpid(), log).c_str());
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  INFO(text.str());
  CHECK(status == 0);
}
