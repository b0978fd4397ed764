// The library fixtures (fixtures/libraries: Eigen, Boost, Abseil, nlohmann::json, protobuf) at
// -O0 and -O2, live at ready() and from a gcore core, against the truth each wrote:
//   1. `heap leaks`: every reported leak is a deliberate one (precision must be 100 %); recall
//      is reported, and required when the fixture found no stale copy of a leaked address
//      (truth "stale_copies" 0 after a scan of all writable memory);
//   2. `heap partition --root g_<root> --format json`: exactly the count and bytes of the
//      allocations reachable from each root, and, for the programs in kKindsChecked, row by row
//      the kinds the fixture labelled.
// Every root is checked and reported (FAIL_CHECK), so one run lists everything that differs;
// each test case ends with a summary line. The -O2 cores also go through the heapwalk CLI, one
// fresh process per root (first-call behaviour).
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <boost/property_tree/json_parser.hpp>
#include <fmt/format.h>

#include "sim_fixture.h"

using namespace heapwalk::test;
using boost::property_tree::ptree;

namespace {

FixtureProgram library_fixture(const std::string& name, const std::string& build) {
  return {fmt::format("{}/heapwalk_fixture_{}_{}", HEAPWALK_LIBRARIES_FIXTURE_DIR, name, build),
          name + "-truth.json"};
}

struct CliOutput {
  bool ok = false;
  int status = 0;
  std::string out, err;
};

// Runs a heapwalk CLI command line in `dir`; its stdout, its stderr and how it ended.
CliOutput run_cli(const std::string& dir, const std::string& args) {
  CliOutput o;
  const std::string err_file = dir + "/cli.err";
  std::string command = fmt::format("cd {} && ulimit -v 4194304 && {} {} 2>{}", dir,
                                    HEAPWALK_CLI_PATH, args, err_file);
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return o;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) o.out.append(buffer, n);
  o.status = pclose(pipe);
  o.ok = WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0;
  if (FILE* f = fopen(err_file.c_str(), "r")) {
    while (size_t n = fread(buffer, 1, sizeof buffer, f)) o.err.append(buffer, n);
    fclose(f);
  }
  return o;
}

std::string ended(const CliOutput& o) {
  if (WIFSIGNALED(o.status)) return fmt::format("killed by signal {}", WTERMSIG(o.status));
  if (WIFEXITED(o.status)) return fmt::format("exit status {}", WEXITSTATUS(o.status));
  return "did not run";
}

ptree parse_json(const std::string& text) {
  ptree tree;
  std::istringstream in(text);
  boost::property_tree::read_json(in, tree);
  return tree;
}

// Where each allocation of the truth comes from: "g_root (kind)" or "leaked kind".
std::map<std::string, std::string> origins(const ptree& truth) {
  std::map<std::string, std::string> where;
  for (const auto& [_, root] : truth.get_child("roots"))
    for (const auto& [__, a] : root.get_child("allocations"))
      where.emplace(a.get<std::string>("address"), root.get<std::string>("root"));
  for (const auto& [_, block] : truth.get_child("leaks.blocks"))
    where.emplace(block.get<std::string>("address"), block.get<std::string>("kind"));
  return where;
}

std::string listed(const std::vector<std::string>& addresses,
                   const std::map<std::string, std::string>& where) {
  std::string s;
  std::map<std::string, int> shown, elided;
  for (const std::string& a : addresses) {
    auto w = where.find(a);
    std::string origin = w == where.end() ? "(no root: libc, a library, start-up)" : w->second;
    if (shown[origin]++ < 4)
      s += fmt::format("\n      {}  {}", a, origin);
    else
      ++elided[origin];
  }
  for (const auto& [origin, n] : elided) s += fmt::format("\n      ... {} more: {}", n, origin);
  return s;
}

struct Summary {
  std::size_t roots = 0, roots_exact = 0;
  std::vector<std::string> roots_differ;
  std::size_t reported = 0, true_leaks = 0, leaks = 0;
  bool leaks_ran = false, leaks_checked = true;
  std::string line(const std::string& config) const {
    std::string s = fmt::format("{}: partitions {} of {} roots exact", config, roots_exact, roots);
    for (const std::string& r : roots_differ) s += " [" + r + "]";
    if (leaks_ran)
      s += fmt::format("; heap leaks: precision {}/{}, recall {}/{}", true_leaks, reported,
                       true_leaks, leaks);
    else if (leaks_checked)
      s += "; heap leaks did not run";
    return s;
  }
};

// Where the commands run: the in-process debugger, or the CLI on the same core, or the CLI on a
// fresh run of the program stopped at ready(), whose own truth the report is then
// compared with.
struct Target {
  Debugger& dbg;
  const ptree& truth;
  std::string program, executable, truth_file, core_path;  // core_path empty: live
  bool cli = false;  // every command through the CLI: each one the first of a fresh process
};

struct Report {
  bool ok = false;
  std::string out, error;
  ptree truth;  // what to compare it with
};

// `heap SUBCOMMAND --format json`, e.g. SUBCOMMAND "partition --root g_x".
Report report(const Target& t, const std::string& subcommand, const std::string& extra) {
  Report r;
  r.truth = t.truth;
  if (!t.cli) {
    r.out = t.dbg.run("heap " + subcommand + " --format json" + extra, &r.ok, &r.error);
    return r;
  }
  const std::string dir = make_work_dir("cli");
  const std::string args =
      t.core_path.empty()
          ? fmt::format("--break ready -- {} {} --format json{}", t.executable, subcommand, extra)
          : fmt::format("--core {} {} {} --format json{}", t.core_path, t.executable, subcommand,
                        extra);
  CliOutput o = run_cli(dir, args);
  r.ok = o.ok;
  r.out = o.out;
  std::string err;  // without LLDB's complaints about protobuf's DWARF
  std::istringstream lines(o.err);
  for (std::string line; std::getline(lines, line);)
    if (line.find("DW_TAG_member") == std::string::npos) err += line + "\n";
  r.error = fmt::format("(heapwalk CLI, {}) {}", ended(o), err.substr(0, 300));
  if (t.core_path.empty() && std::filesystem::exists(dir + "/" + t.truth_file))
    r.truth = read_truth(dir + "/" + t.truth_file);
  return r;
}

// Programs whose fixture labels every allocation with the kind heapwalk must give it: their
// partitions are compared row by row, not only in count and bytes.
const std::set<std::string> kKindsChecked = {"eigen", "boost", "abseil", "protobuf"};
// Roots of those programs whose kinds are not checked yet (none: protobuf's arena roots are
// carved into their objects, walker/protobuf_arena.h).
const std::set<std::pair<std::string, std::string>> kKindsUnchecked = {};

// "kind: expected count/bytes, reported count/bytes" for each row that differs; empty when equal.
std::string kind_rows_differ(const ptree& expected, const ptree& report) {
  std::map<std::string, std::pair<uint64_t, uint64_t>> want, got;
  for (const auto& [_, row] : expected.get_child("kinds"))
    want[row.get<std::string>("kind")] = {row.get<uint64_t>("count"), row.get<uint64_t>("bytes")};
  for (const auto& [_, row] : report.get_child("rows")) {
    auto& r = got[row.get<std::string>("kind")];
    r.first += row.get<uint64_t>("count");
    r.second += row.get<uint64_t>("size");
  }
  std::set<std::string> kinds;
  for (const auto& [k, _] : want) kinds.insert(k);
  for (const auto& [k, _] : got) kinds.insert(k);
  std::string diff;
  for (const std::string& k : kinds) {
    auto w = want.find(k), g = got.find(k);
    auto text = [](auto it, auto end) {
      return it == end ? std::string("-") : fmt::format("{}/{}", it->second.first, it->second.second);
    };
    if (w != want.end() && g != got.end() && w->second == g->second) continue;
    diff += fmt::format("\n    {}: expected {}, reported {}", k, text(w, want.end()), text(g, got.end()));
  }
  return diff;
}

void check_partitions(const Target& target, const std::string& config, Summary& summary) {
  for (const auto& [_, root_in_truth] : target.truth.get_child("roots")) {
    const std::string name = root_in_truth.get<std::string>("root");
    Report rep = report(target, "partition --root " + name, "");
    const bool ok = rep.ok;
    const std::string &out = rep.out, &error = rep.error;
    ptree root = root_in_truth;
    for (const auto& [__, r] : rep.truth.get_child("roots"))
      if (r.get<std::string>("root") == name) root = r;
    const uint64_t count = root.get<uint64_t>("count"), bytes = root.get<uint64_t>("bytes");
    std::string diff;
    if (!ok) {
      diff = "the command failed: " + error;
    } else {
      try {
        ptree report = parse_json(out);
        uint64_t got_count = report.get<uint64_t>("count"), got_bytes = report.get<uint64_t>("size");
        if (got_count != count || got_bytes != bytes)
          diff = fmt::format("expected {} allocations / {} bytes, reported {} / {}", count, bytes,
                             got_count, got_bytes);
        if (kKindsChecked.count(target.program) && !kKindsUnchecked.count({target.program, name})) {
          std::string rows = kind_rows_differ(root, report);
          if (!rows.empty()) diff += (diff.empty() ? "kinds differ:" : "; kinds differ:") + rows;
        }
      } catch (const std::exception& e) {
        diff = fmt::format("unreadable JSON ({}): {}", e.what(), out.substr(0, 300));
      }
    }
    ++summary.roots;
    if (diff.empty()) {
      ++summary.roots_exact;
      SUCCEED();
    } else {
      summary.roots_differ.push_back(name);
      FAIL_CHECK(config << ", heap partition --root " << name << ": " << diff);
    }
  }
}

void check_leaks(const Target& target, const std::string& config, Summary& summary) {
  Report rep = report(target, "leaks", " --show 1000000");
  const ptree& truth = rep.truth;
  const std::string& out = rep.out;
  if (!rep.ok) {
    FAIL_CHECK(config << ", heap leaks failed: " << rep.error);
    return;
  }
  std::set<std::string> reported, leaked;
  try {
    ptree report = parse_json(out);
    if (auto samples = report.get_child_optional("samples"))
      for (const auto& [kind, addresses] : *samples)
        for (const auto& [_, address] : addresses) reported.insert(address.get_value<std::string>());
  } catch (const std::exception& e) {
    FAIL_CHECK(config << ", heap leaks: unreadable JSON (" << e.what() << "): "
                      << out.substr(0, 300));
    return;
  }
  for (const auto& [_, block] : truth.get_child("leaks.blocks"))
    leaked.insert(block.get<std::string>("address"));
  std::vector<std::string> false_leaks, missed;
  for (const std::string& a : reported)
    if (!leaked.count(a)) false_leaks.push_back(a);
  for (const std::string& a : leaked)
    if (!reported.count(a)) missed.push_back(a);
  summary.leaks_ran = true;
  summary.reported = reported.size();
  summary.true_leaks = reported.size() - false_leaks.size();
  summary.leaks = leaked.size();
  const auto where = origins(truth);
  if (!false_leaks.empty())
    FAIL_CHECK(config << ", heap leaks: " << false_leaks.size() << " of " << reported.size()
                      << " reported blocks are not deliberate leaks (precision):"
                      << listed(false_leaks, where));
  const bool recall_guaranteed = truth.get<bool>("global_scan") &&
                                 truth.get<uint64_t>("stale_copies.count") == 0;
  if (!missed.empty()) {
    std::string text = fmt::format("{}, heap leaks: {} of {} deliberate leaks not reported "
                                   "(recall; {}):{}",
                                   config, missed.size(), leaked.size(),
                                   recall_guaranteed ? "no stale copy exists, so required"
                                                     : "the fixture found stale copies",
                                   listed(missed, where));
    if (recall_guaranteed)
      FAIL_CHECK(text);
    else
      WARN(text);
  }
}

// `heap summary`'s program_free bucket (free memory inside the program's own allocators: a
// boost::object_pool's free chunks) against the truth's, when the fixture states one.
void check_program_free(const Target& target, const std::string& config) {
  if (target.truth.get<uint64_t>("program_free", 0) == 0) return;
  Report rep = report(target, "summary", "");
  if (!rep.ok) {
    FAIL_CHECK(config << ", heap summary failed: " << rep.error);
    return;
  }
  uint64_t program_free = 0;
  try {
    const ptree summary = parse_json(rep.out);
    for (const auto& [_, row] : summary.get_child("buckets"))
      if (row.get<std::string>("bucket") == "program_free") program_free = row.get<uint64_t>("bytes");
  } catch (const std::exception& e) {
    FAIL_CHECK(config << ", heap summary: unreadable JSON (" << e.what() << ")");
    return;
  }
  CHECK(program_free == rep.truth.get<uint64_t>("program_free"));
}

void check_library(const std::string& name, const std::string& build, bool core) {
  const FixtureProgram program = library_fixture(name, build);
  const std::string config = fmt::format("{} -{} {}", name, build, core ? "core" : "live");
  Summary summary;
  summary.leaks_checked = true;
  auto check = [&](const Target& target) {
    check_partitions(target, config, summary);
    check_leaks(target, config, summary);
    check_program_free(target, config);
  };
  if (core) {
    CoreSim fixture({}, program);
    check({fixture.dbg, fixture.truth, name, program.executable, program.truth_file,
           fixture.core_path});
    if (build == "O2") {
      // And each root again in a fresh CLI process, as a user's first command (no leaks: the
      // in-process run did them on this core).
      Summary fresh;
      const std::string fresh_config = config + ", CLI";
      check_partitions({fixture.dbg, fixture.truth, name, program.executable, program.truth_file,
                        fixture.core_path, true},
                       fresh_config, fresh);
      fresh.leaks_checked = false;
      WARN(fresh.line(fresh_config));
    }
  } else {
    LiveSim fixture({}, program);
    check({fixture.dbg, fixture.truth, name, program.executable, program.truth_file, {}});
  }
  WARN(summary.line(config));
}

// The four configurations of one program, each a test case: -O0 and -O2, live and from a core.
#define LIBRARY_CASES(NAME)                                                                    \
  TEST_CASE(NAME " -O0, live: leaks and partitions match the truth", "[libraries][live]") {    \
    check_library(NAME, "O0", false);                                                          \
  }                                                                                            \
  TEST_CASE(NAME " -O2, live: leaks and partitions match the truth", "[libraries][live]") {    \
    check_library(NAME, "O2", false);                                                          \
  }                                                                                            \
  TEST_CASE(NAME " -O0, core: leaks and partitions match the truth", "[libraries][core]") {    \
    check_library(NAME, "O0", true);                                                           \
  }                                                                                            \
  TEST_CASE(NAME " -O2, core: leaks and partitions match the truth", "[libraries][core]") {    \
    check_library(NAME, "O2", true);                                                           \
  }

}  // namespace

LIBRARY_CASES("eigen")
LIBRARY_CASES("boost")
LIBRARY_CASES("abseil")
LIBRARY_CASES("json")
LIBRARY_CASES("protobuf")

// A cord's reps are reached by typed edges, from the cord and from each other: the partitions
// that follow no conservative edge (--typed-only) are the whole sets, live in a fresh CLI
// process (the fixture's truth from that run).
TEST_CASE("abseil cords: every rep is reached by typed edges", "[libraries][live]") {
  const FixtureProgram program = library_fixture("abseil", "O2");
  for (const std::string root : {"g_cord_flat", "g_cord_log", "g_cord_excerpt", "g_cord_external",
                                 "g_cord_shared", "g_cord_shared_copy"}) {
    const std::string dir = make_work_dir("cord");
    CliOutput o = run_cli(dir, fmt::format("--break ready -- {} partition --root {} --typed-only "
                                           "--format json",
                                           program.executable, root));
    INFO(root << ": " << ended(o) << " " << o.err.substr(0, 300));
    REQUIRE(o.ok);
    const ptree truth = read_truth(dir + "/" + program.truth_file);
    const ptree report = parse_json(o.out);
    for (const auto& [_, r] : truth.get_child("roots"))
      if (r.get<std::string>("root") == root) {
        CHECK(report.get<uint64_t>("count") == r.get<uint64_t>("count"));
        CHECK(report.get<uint64_t>("size") == r.get<uint64_t>("bytes"));
      }
  }
}

// The reductions of what these fixtures once found wrong (fixtures/libraries/README.md), each
// live at ready() in a fresh CLI process.
TEST_CASE("library reductions: incomplete bases, objects inside blocks, empty arrays",
          "[libraries][live]") {
  auto json = [](const std::string& repro, const std::string& command) {
    const std::string dir = make_work_dir("repro");
    CliOutput o = run_cli(dir, fmt::format("--break ready -- {}/heapwalk_repro_{} {} --format json",
                                           HEAPWALK_LIBRARIES_FIXTURE_DIR, repro, command));
    INFO(repro << " " << command << ": " << o.err.substr(0, 300));
    REQUIRE(o.ok);
    ptree tree;
    std::istringstream in(o.out);
    boost::property_tree::read_json(in, tree);
    return tree;
  };
  // A base declared only (its key function in a library without -g) owns a 64-byte block.
  CHECK(json("incomplete_base", "leaks").get<uint64_t>("count") == 0);
  ptree derived = json("incomplete_base", "partition --root g_derived");
  CHECK(derived.get<uint64_t>("count") == 1);
  CHECK(derived.get<uint64_t>("size") == 72);
  // A polymorphic object constructed 64 bytes into a 256-byte block: no crash, the block reached.
  ptree shape = json("object_in_block", "partition --root g_shape");
  CHECK(shape.get<uint64_t>("count") == 1);
  CHECK(shape.get<uint64_t>("size") == 264);
  // An empty array pointing at the next object: its dangling char* must not lead into freed
  // chunks and through their links to the leaked 48-byte block.
  ptree leaked = json("empty_array", "leaks");
  CHECK(leaked.get<uint64_t>("count") == 1);
  CHECK(leaked.get<uint64_t>("size") == 56);
  CHECK(json("empty_array", "partition --root g_schema").get<uint64_t>("count") == 1);
  // Globals of libstdc++ classes the program's debug info only declares: their bytes are scanned.
  CHECK(json("stdlib_bases", "leaks").get<uint64_t>("count") == 0);
  CHECK(json("stdlib_bases", "partition --root g_log").get<uint64_t>("count") == 1);
  CHECK(json("stdlib_bases", "partition --root g_error").get<uint64_t>("count") == 1);
}
