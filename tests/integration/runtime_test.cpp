// The runtime fixture (fixtures/runtime) at -O0 and -O2, live at ready() and from a gcore core:
// `heap leaks` reports exactly its deliberate leaks and nothing of what glibc, ld.so and
// libstdc++ keep for themselves (cached thread stacks, exit handler blocks, stdio, dlopen,
// exceptions, locales, NSS, the environment); the exited threads' memory is rooted under the
// labels docs/leaks.md gives. Then the same without libc6-dbg's debug info, in a child process
// (LLDB keeps libc's debug info for the life of a process once a target has loaded it), where
// ld.so's layout comes from the built-in table.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "command_output.h"
#include "walker/analysis/reachability.h"
#include "walker/roots/roots.h"
#include "walker/roots/threads.h"
#include "walker/session.h"

using namespace heapwalk;
using namespace heapwalk::test;
using boost::property_tree::ptree;

namespace {

FixtureProgram runtime_fixture(const std::string& build) {
  return {build == "O0" ? HEAPWALK_RUNTIME_FIXTURE_O0 : HEAPWALK_RUNTIME_FIXTURE_O2,
          "runtime-truth.json"};
}

uint64_t parse_address(const std::string& text) { return std::stoull(text, nullptr, 16); }

// Every allocation the truth names, with its piece and label, to say what a false leak is.
std::map<std::string, std::string> runtime_blocks(const ptree& truth) {
  std::map<std::string, std::string> blocks;
  for (const auto& [_, piece] : truth.get_child("pieces"))
    for (const auto& [__, block] : piece.get_child("allocations"))
      blocks[block.get<std::string>("address")] =
          piece.get<std::string>("piece") + ": " + block.get<std::string>("label");
  return blocks;
}

void check_leaks(Debugger& dbg, const ptree& truth) {
  // --show with a large N lists every leaked address in the JSON.
  ptree report = json_of(dbg, "heap leaks --format json --show 1000000");
  std::set<std::string> reported = sampled_addresses(report);

  std::set<std::string> leaked;
  for (const auto& [_, block] : truth.get_child("leaks.blocks"))
    leaked.insert(block.get<std::string>("address"));
  std::map<std::string, std::string> runtime = runtime_blocks(truth);
  for (const std::string& address : reported) {
    auto it = runtime.find(address);
    INFO("reported " << address << " ("
                     << (it == runtime.end() ? "not a tracked block: malloc's own?" : it->second)
                     << ")");
    CHECK(leaked.count(address) == 1);
  }
  for (const std::string& address : leaked) {
    INFO("missed " << address);
    CHECK(reported.count(address) == 1);
  }
  CHECK(report.get<uint64_t>("count") == truth.get<uint64_t>("leaks.count"));
  CHECK(report.get<uint64_t>("size") == truth.get<uint64_t>("leaks.bytes"));
  CHECK(report.get<uint64_t>("direct") == truth.get<uint64_t>("leaks.direct"));
  CHECK(report.get<uint64_t>("indirect") == truth.get<uint64_t>("leaks.indirect"));
}

const walker::RootRange* range_holding(const walker::RootSet& roots, uint64_t address,
                                       const std::string& label) {
  for (const walker::RootRange& r : roots.ranges)
    if (r.label == label && address >= r.begin && address < r.end) return &r;
  return nullptr;
}

// Each exited thread's struct pthread and DTV are roots under their labels, and the main
// thread's DTV too (ld.so's first DTV is no heap chunk: only this root reaches what it holds).
void check_thread_roots(lldb::SBTarget& target, const std::string& core, const ptree& truth,
                        bool builtin_layout) {
  auto session = walker::Session::current(target, core);
  walker::LoaderView loader =
      walker::read_loader(target, session->memory(), session->glibc().version);
  CHECK(loader.builtin_layout == builtin_layout);
  CHECK(loader.tls_static_size > loader.pthread_size);
  walker::RootSet roots = walker::all_roots(target, session->memory(), session->glibc(),
                                            session->heap());
  for (const auto& [_, thread] : truth.get_child("exited_threads")) {
    std::string role = thread.get<std::string>("role");
    uint64_t pd = parse_address(thread.get<std::string>("descriptor"));
    std::string name = fmt::format("{} (struct pthread {:#x})",
                                   role == "unjoined" ? "exited thread, not joined yet"
                                                      : "cached stack of an exited thread",
                                   pd);
    INFO(role << " thread: " << name);
    CHECK(range_holding(roots, pd, name + ": struct pthread"));
    CHECK(range_holding(roots, pd - 8, name + ": static TLS"));
    CHECK(range_holding(roots, parse_address(thread.get<std::string>("dtv_block")), name + ": DTV"));
  }
  bool main_dtv = false;
  for (const walker::RootRange& r : roots.ranges) main_dtv |= r.label == "thread #1: DTV";
  CHECK(main_dtv);
}

void live_run(const std::string& build, bool builtin_layout = false) {
  FixtureProgram program = runtime_fixture(build);
  program.hide_libc_debug_info = builtin_layout;
  LiveSim fixture({}, program);
  if (builtin_layout) REQUIRE_FALSE(fixture.target.FindFirstType("malloc_state").IsValid());
  check_leaks(fixture.dbg, fixture.truth);
  check_thread_roots(fixture.target, {}, fixture.truth, builtin_layout);
}

void core_run(const std::string& build, bool builtin_layout = false) {
  FixtureProgram program = runtime_fixture(build);
  program.hide_libc_debug_info = builtin_layout;
  CoreSim fixture({}, program);
  if (builtin_layout) REQUIRE_FALSE(fixture.target.FindFirstType("malloc_state").IsValid());
  check_leaks(fixture.dbg, fixture.truth);
  check_thread_roots(fixture.target, fixture.core_path, fixture.truth, builtin_layout);
  std::remove(fixture.core_path.c_str());
}

}  // namespace

TEST_CASE("heap leaks reports exactly the runtime fixture's leaks, live", "[runtime][live]") {
  for (const char* build : {"O0", "O2"}) {
    INFO("build " << build);
    live_run(build);
  }
}

TEST_CASE("heap leaks reports exactly the runtime fixture's leaks, from a core", "[runtime][core]") {
  for (const char* build : {"O0", "O2"}) {
    INFO("build " << build);
    core_run(build);
  }
}

// Run by the test below in a fresh process.
TEST_CASE("child: runtime leaks without libc debug info", "[.][runtime-nodebug-child]") {
  SECTION("O2 live") { live_run("O2", true); }
  SECTION("O0 core") { core_run("O0", true); }
}

TEST_CASE("heap leaks is exact on the runtime fixture without libc debug info",
          "[runtime][nodebug]") {
  std::string log = make_work_dir("runtime-nodebug") + "/child.log";
  int status = std::system(
      fmt::format("/proc/{}/exe '[runtime-nodebug-child]' >{} 2>&1", getpid(), log).c_str());
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  INFO(text.str());
  CHECK(status == 0);
}

// Not a check: which roots reach each runtime allocation of the fixture, each root group on its
// own (labels with their addresses and thread numbers folded). What docs/leaks.md says about
// how each piece is rooted comes from this table:
//   integration_tests '[runtime-roots]' -s
TEST_CASE("report: which roots hold the runtime's memory", "[.][runtime-roots]") {
  const char* build = std::getenv("HEAPWALK_RUNTIME_BUILD");
  LiveSim fixture({}, runtime_fixture(build ? build : "O0"));
  auto session = walker::Session::current(fixture.target);
  walker::RootSet all = walker::all_roots(fixture.target, session->memory(), session->glibc(),
                                          session->heap());
  auto fold = [](std::string label) {
    std::string out;
    for (size_t i = 0; i < label.size(); ++i) {
      if (label.compare(i, 2, "0x") == 0) {
        out += "0x…";
        for (i += 2; i < label.size() && std::isxdigit(static_cast<unsigned char>(label[i])); ++i) {
        }
        --i;
      } else if (label[i] == '#' && i + 1 < label.size() && std::isdigit(label[i + 1])) {
        out += "#N";
        for (++i; i < label.size() && std::isdigit(static_cast<unsigned char>(label[i])); ++i) {
        }
        --i;
      } else {
        out += label[i];
      }
    }
    return out;
  };
  std::map<std::string, walker::RootSet> groups;
  for (const walker::Root& r : all.typed) groups["typed: " + fold(r.label)].typed.push_back(r);
  for (const walker::RootRange& r : all.ranges) groups[fold(r.label)].ranges.push_back(r);
  for (const walker::RootWord& w : all.words) groups["registers"].words.push_back(w);
  const walker::AllocationTable& table = session->heap().in_use;
  std::map<std::string, std::set<std::string>> reached_by;  // truth label → groups
  std::map<std::string, std::string> labels = runtime_blocks(fixture.truth);
  for (auto& [name, set] : groups) {
    auto reach = walker::reach_all(*session, set);
    REQUIRE(reach);
    for (const auto& [address, label] : labels)
      if (auto n = table.find(parse_address(address)); n && reach->reached(*n))
        reached_by[label].insert(name);
  }
  std::map<std::string, std::set<std::string>> by_label;  // folded: one line per label
  for (const auto& [label, names] : reached_by) by_label[label].insert(names.begin(), names.end());
  for (const auto& [label, names] : by_label) {
    std::string line = label + "\n    <-";
    for (const std::string& n : names) line += " [" + n + "]";
    WARN(line);
  }
  for (const auto& [address, label] : labels)
    if (!reached_by.count(label)) WARN("reached by no root alone: " << label);
}
