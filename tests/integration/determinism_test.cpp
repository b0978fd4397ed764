// Issue 11 item 3, deterministic per stop: the same command at the same stop gives the same
// answer, byte for byte, whatever ran before it, on a fresh session of the stop and on a reused
// one, live and from a core; a stop's session is dropped when the process runs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim_fixture.h"
#include "walker/session.h"

using namespace heapwalk;
using namespace heapwalk::test;

namespace {

const std::vector<std::string> kCommands = {
    "heap summary",
    "heap leaks --show 2",
    "heap partition --root registry",
    "heap partition --by owner",
    "heap arenas --format json",
    "heap top 5",
    "heap leaks --format json",
    "heap partition --format csv",
};

// Each command's output and error text, run in `order`.
std::map<std::string, std::string> run_in_order(Debugger& dbg, const std::vector<size_t>& order,
                                                const std::string& skip) {
  std::map<std::string, std::string> outputs;
  for (size_t i : order) {
    bool ok = false;
    std::string error;
    std::string output = dbg.run(kCommands[i], &ok, &error);
    INFO(kCommands[i] << ": " << error);
    CHECK((ok || kCommands[i] == skip));
    outputs[kCommands[i]] = output + "\n--- errors:\n" + error;
  }
  return outputs;
}

// Every order checked: forward, backward, and two interleavings; each on a fresh session of
// the stop, then forward again on the session the last one left.
void check_orders(Debugger& dbg, const std::string& skip = {}) {
  std::vector<size_t> forward(kCommands.size());
  for (size_t i = 0; i < forward.size(); ++i) forward[i] = i;
  std::vector<size_t> backward(forward.rbegin(), forward.rend());
  std::vector<size_t> odd_first, rotated(forward);
  for (size_t i = 1; i < forward.size(); i += 2) odd_first.push_back(i);
  for (size_t i = 0; i < forward.size(); i += 2) odd_first.push_back(i);
  std::rotate(rotated.begin(), rotated.begin() + 3, rotated.end());
  walker::Session::forget_all();
  auto reference = run_in_order(dbg, forward, skip);
  // Warnings are said once per stop: compare what the commands answer, and the warnings of
  // the first run of each order separately.
  auto answers = [](std::map<std::string, std::string> outputs) {
    for (auto& [command, text] : outputs) text = text.substr(0, text.find("\n--- errors:\n"));
    return outputs;
  };
  for (const auto& order : {backward, odd_first, rotated}) {
    walker::Session::forget_all();
    auto outputs = run_in_order(dbg, order, skip);
    for (const std::string& command : kCommands) {
      INFO(command);
      CHECK(answers(outputs)[command] == answers(reference)[command]);
    }
  }
  auto again = run_in_order(dbg, forward, skip);  // the same session, every result memoized
  for (const std::string& command : kCommands) {
    INFO(command);
    CHECK(answers(again)[command] == answers(reference)[command]);
  }
}

}  // namespace

TEST_CASE("every command answers the same at a stop, in any order (live)", "[determinism][live]") {
  LiveSim sim({"--threads", "2"}, leaky_fixture());
  check_orders(sim.dbg);
}

TEST_CASE("every command answers the same at a stop, in any order (core)", "[determinism][core]") {
  CoreSim sim({"--threads", "2"}, leaky_fixture());
  check_orders(sim.dbg);
}

TEST_CASE("a core taken inside _int_malloc answers the same in any order", "[determinism][core]") {
  // The issue's case: "on a core taken inside _int_malloc, heap leaks reports 0 leaks the first
  // time and 1,486 every time after". gdb stops the leaky fixture in its 90th _int_malloc (a
  // worker building its leaks, the arena mid-update) and dumps it.
  std::string dir = make_work_dir("int-malloc");
  std::string core = dir + "/core.int_malloc";
  std::string command = fmt::format(
      "cd {} && gdb -batch -ex 'set pagination off' -ex 'break main' -ex run "
      "-ex 'break _int_malloc' -ex 'ignore 2 90' -ex continue -ex 'gcore {}' -ex kill "
      "--args {} --threads 3 >gdb.log 2>&1",
      dir, core, leaky_executable());
  REQUIRE(std::system(command.c_str()) == 0);
  REQUIRE(std::filesystem::exists(core));
  Debugger dbg;
  lldb::SBError error;
  REQUIRE(dbg.debugger.CreateTarget(leaky_executable().c_str()).LoadCore(core.c_str(), error).IsValid());
  // The leaky fixture's registry does not exist yet: leave that command's failure out.
  check_orders(dbg, /*skip=*/"heap partition --root registry");
  if (!std::getenv("HEAPWALK_KEEP_CORES")) std::filesystem::remove(core);
}

TEST_CASE("a stop's session is dropped when the process runs", "[determinism][live]") {
  LiveSim sim({"--threads", "1"}, leaky_fixture());
  auto first = walker::Session::current(sim.target);
  CHECK(walker::Session::current(sim.target) == first);
  // Stepping runs the process: the next command reads the new stop.
  lldb::SBThread thread = sim.process.GetSelectedThread();
  thread.StepOver();
  REQUIRE(sim.process.GetState() == lldb::eStateStopped);
  CHECK(walker::Session::current(sim.target) != first);
}
