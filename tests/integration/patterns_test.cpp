// The patterns fixture (fixtures/patterns) at -O0 and -O2, live at ready() and from a gcore
// core, against the exact truth it wrote: for every pattern, `heap partition --root g_<p>` must
// report exactly its allocations (count, bytes, and every kind row); `heap partition` the
// default roots' set; `heap leaks` exactly the deliberate leaks. Every pattern is checked and
// reported, failing or not (FAIL_CHECK, not REQUIRE), so one run lists all that differ. The -O2
// core also goes through the heapwalk CLI, one fresh process per root: first-call behaviour.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include <boost/property_tree/json_parser.hpp>
#include <fmt/format.h>

#include "sim_fixture.h"

using namespace heapwalk::test;
using boost::property_tree::ptree;

namespace {

FixtureProgram patterns_fixture(const std::string& build) {
  return {build == "O0" ? HEAPWALK_PATTERNS_FIXTURE_O0 : HEAPWALK_PATTERNS_FIXTURE_O2,
          "patterns-truth.json"};
}

struct Row {
  uint64_t count = 0, size = 0;
};

struct Partition {
  uint64_t count = 0, size = 0;
  std::map<std::string, Row> rows;
  std::vector<std::string> repeated;  // kinds reported in more than one row
};

// A set of the truth: {"count", "bytes", "kinds": [{"kind", "count", "bytes"}]}.
Partition expected_of(const ptree& set) {
  Partition p{set.get<uint64_t>("count"), set.get<uint64_t>("bytes"), {}, {}};
  for (const auto& [_, row] : set.get_child("kinds"))
    p.rows[row.get<std::string>("kind")] = {row.get<uint64_t>("count"), row.get<uint64_t>("bytes")};
  return p;
}

// heapwalk's partition JSON (docs/json.md); throws when it is not that.
Partition parse_partition(const std::string& json) {
  ptree tree;
  std::istringstream in(json);
  boost::property_tree::read_json(in, tree);
  Partition p{tree.get<uint64_t>("count"), tree.get<uint64_t>("size"), {}, {}};
  for (const auto& [_, row] : tree.get_child("rows")) {
    std::string kind = row.get<std::string>("kind");
    if (p.rows.count(kind)) p.repeated.push_back(kind);
    Row& r = p.rows[kind];
    r.count += row.get<uint64_t>("count");
    r.size += row.get<uint64_t>("size");
  }
  return p;
}

std::string cell(const Row* r) { return r ? fmt::format("{}/{}", r->count, r->size) : "-"; }

// Empty when the report matches exactly; else a table of what differs.
std::string mismatch(const Partition& expected, const Partition& got) {
  std::string out;
  if (expected.count != got.count || expected.size != got.size)
    out += fmt::format("  total: expected {} allocations / {} bytes, reported {} / {}\n",
                       expected.count, expected.size, got.count, got.size);
  std::set<std::string> kinds;
  for (const auto& [k, _] : expected.rows) kinds.insert(k);
  for (const auto& [k, _] : got.rows) kinds.insert(k);
  std::string rows;
  for (const std::string& k : kinds) {
    auto e = expected.rows.find(k), g = got.rows.find(k);
    const Row* er = e == expected.rows.end() ? nullptr : &e->second;
    const Row* gr = g == got.rows.end() ? nullptr : &g->second;
    if (er && gr && er->count == gr->count && er->size == gr->size) continue;
    rows += fmt::format("    {:<14} {:<14} {}\n", cell(er), cell(gr), k);
  }
  if (!rows.empty())
    out += "    expected       reported       kind (count/bytes)\n" + rows;
  for (const std::string& k : got.repeated) out += "  the kind " + k + " has several rows\n";
  return out;
}

// The outcome of one comparison, for the summary line.
struct Tally {
  std::vector<std::string> passed, failed;
  void add(const std::string& name, bool ok) { (ok ? passed : failed).push_back(name); }
  std::string summary(const std::string& config) const {
    std::string s = fmt::format("{}: {} of {} match", config, passed.size(),
                                passed.size() + failed.size());
    if (!failed.empty()) {
      s += "; these differ:";
      for (const std::string& f : failed) s += "\n  " + f;
    }
    return s;
  }
};

// Compares one report (or the failure to get one) with the truth's set.
void compare(Tally& tally, const std::string& config, const std::string& name,
             const ptree& truth_set, bool ok, const std::string& output,
             const std::string& error) {
  std::string diff;
  if (!ok) {
    diff = "  the command failed: " + error;
  } else {
    try {
      diff = mismatch(expected_of(truth_set), parse_partition(output));
    } catch (const std::exception& e) {
      diff = fmt::format("  unreadable JSON ({}): {}", e.what(), output.substr(0, 300));
    }
  }
  tally.add(name, diff.empty());
  if (diff.empty())
    SUCCEED();
  else
    FAIL_CHECK(config << ", " << name << ":\n" << diff);
}

void check_partitions(Debugger& dbg, const ptree& truth, const std::string& config,
                      Tally& tally) {
  for (const auto& [_, pattern] : truth.get_child("patterns")) {
    std::string root = pattern.get<std::string>("root");
    bool ok = false;
    std::string error;
    std::string out = dbg.run("heap partition --root " + root + " --format json", &ok, &error);
    compare(tally, config, root, pattern, ok, out, error);
  }
  bool ok = false;
  std::string error;
  std::string out = dbg.run("heap partition --format json", &ok, &error);
  compare(tally, config, "(default roots)", truth.get_child("default_roots"), ok, out, error);
}

// Where each allocation of the truth comes from: "g_root: kind".
std::map<std::string, std::string> origins(const ptree& truth) {
  std::map<std::string, std::string> where;
  for (const char* list : {"patterns", "without_root"})
    for (const auto& [_, set] : truth.get_child(list)) {
      std::string name = set.get<std::string>(list == std::string("patterns") ? "root" : "name");
      for (const auto& [__, a] : set.get_child("allocations"))
        where.emplace(a.get<std::string>("address"), name + ": " + a.get<std::string>("kind"));
    }
  for (const auto& [_, block] : truth.get_child("leaks.blocks"))
    where.emplace(block.get<std::string>("address"), "leaked " + block.get<std::string>("kind"));
  return where;
}

// The addresses, one a line, each with where the truth has it.
std::string listed(const std::vector<std::string>& addresses,
                   const std::map<std::string, std::string>& where) {
  std::string s;
  std::map<std::string, int> elided;  // origin -> how many past the first few
  std::map<std::string, int> shown;
  for (const std::string& a : addresses) {
    auto w = where.find(a);
    std::string origin = w == where.end() ? "(no pattern: libc, libstdc++ or start-up)" : w->second;
    if (shown[origin]++ < 3)
      s += fmt::format("\n      {}  {}", a, origin);
    else
      ++elided[origin];
  }
  for (const auto& [origin, n] : elided) s += fmt::format("\n      ... {} more: {}", n, origin);
  return s;
}

void check_leaks(Debugger& dbg, const ptree& truth, const std::string& config, Tally& tally) {
  bool ok = false;
  std::string error;
  // --show with a large N lists every leaked address in the JSON.
  std::string out = dbg.run("heap leaks --format json --show 1000000", &ok, &error);
  std::string diff;
  if (!ok) {
    diff = "  the command failed: " + error;
  } else {
    try {
      ptree report;
      std::istringstream in(out);
      boost::property_tree::read_json(in, report);
      std::set<std::string> reported, leaked;
      for (const auto& [kind, addresses] : report.get_child("samples"))
        for (const auto& [_, address] : addresses)
          reported.insert(address.get_value<std::string>());
      for (const auto& [_, block] : truth.get_child("leaks.blocks"))
        leaked.insert(block.get<std::string>("address"));
      std::vector<std::string> false_leaks, missed;
      for (const std::string& a : reported)
        if (!leaked.count(a)) false_leaks.push_back(a);
      for (const std::string& a : leaked)
        if (!reported.count(a)) missed.push_back(a);
      const auto where = origins(truth);
      if (!false_leaks.empty())
        diff += fmt::format("  {} reported blocks are not leaks (precision):{}\n",
                            false_leaks.size(), listed(false_leaks, where));
      if (!missed.empty())
        diff += fmt::format("  {} leaks were not reported (recall):{}\n", missed.size(),
                            listed(missed, where));
      uint64_t count = report.get<uint64_t>("count"), size = report.get<uint64_t>("size");
      if (count != truth.get<uint64_t>("leaks.count") || size != truth.get<uint64_t>("leaks.bytes"))
        diff += fmt::format("  total: expected {} leaks / {} bytes, reported {} / {}\n",
                            truth.get<uint64_t>("leaks.count"), truth.get<uint64_t>("leaks.bytes"),
                            count, size);
    } catch (const std::exception& e) {
      diff = fmt::format("  unreadable JSON ({}): {}", e.what(), out.substr(0, 300));
    }
  }
  tally.add("(leaks)", diff.empty());
  if (diff.empty())
    SUCCEED();
  else
    FAIL_CHECK(config << ", heap leaks:\n" << diff);
}

void check_everything(Debugger& dbg, const ptree& truth, const std::string& config) {
  Tally tally;
  check_partitions(dbg, truth, config, tally);
  check_leaks(dbg, truth, config, tally);
  WARN(tally.summary(config));
}

// --typed-only: no conservative scan, so what only untyped words reach is left out, and the
// rest is as without it.
void check_typed_only(Debugger& dbg, const ptree& truth) {
  std::map<std::string, const ptree*> by_root;
  for (const auto& [_, pattern] : truth.get_child("patterns"))
    by_root[pattern.get<std::string>("root")] = &pattern;
  auto typed_only = [&](const std::string& root) {
    bool ok = false;
    std::string error;
    std::string out = dbg.run("heap partition --typed-only --root " + root + " --format json", &ok, &error);
    INFO(root << ": " << error);
    REQUIRE(ok);
    return parse_partition(out);
  };
  for (const char* root : {"g_tagged_union", "g_void_plain", "g_void_poly", "g_interior_int",
                           "g_intrusive_only"}) {
    INFO(root);
    CHECK(typed_only(root).count == 0);
  }
  Partition elements = typed_only("g_union_elements");
  CHECK(elements.count == 1);
  CHECK(elements.rows.count("Tagged[]") == 1);
  for (const char* root : {"g_own_type", "g_nested_map", "g_pmr", "g_function", "g_array_cookie"}) {
    INFO(root);
    CHECK(mismatch(expected_of(*by_root.at(root)), typed_only(root)) == "");
  }
}

// Roots that are members or elements: each contributes what it reaches, not the allocation it
// lives in.
void check_member_roots(Debugger& dbg, const ptree& truth) {
  std::map<std::string, const ptree*> by_root;
  for (const auto& [_, pattern] : truth.get_child("patterns"))
    by_root[pattern.get<std::string>("root")] = &pattern;
  auto partition = [&](const std::string& root) {
    bool ok = false;
    std::string error;
    std::string out = dbg.run("heap partition --root " + root + " --format json", &ok, &error);
    INFO(root << ": " << error);
    REQUIRE(ok);
    return parse_partition(out);
  };
  // g_anon holds 3 unique_ptrs in one buffer: the elements reach all but that buffer.
  const ptree& anon = *by_root.at("g_anon");
  uint64_t count = 0, size = 0;
  for (int i = 0; i < 3; ++i) {
    Partition element = partition(fmt::format("g_anon[{}]", i));
    CHECK(element.rows.count("std::unique_ptr<Iface>[]") == 0);
    count += element.count;
    size += element.size;
  }
  Partition whole = partition("g_anon");
  REQUIRE(whole.rows.count("std::unique_ptr<Iface>[]") == 1);
  CHECK(count == anon.get<uint64_t>("count") - 1);
  CHECK(size == anon.get<uint64_t>("bytes") - whole.rows["std::unique_ptr<Iface>[]"].size);
  // A member path reaches what the member does: TaskList::all owns every task.
  CHECK(mismatch(expected_of(*by_root.at("g_intrusive")), partition("g_intrusive.all")) == "");
}

// Runs `command`; its stdout, its stderr (through a file) and whether it exited 0.
struct Output {
  bool ok = false;
  std::string out, err;
};

Output run_cli(const std::string& command, const std::string& err_file) {
  Output o;
  FILE* pipe = popen((command + " 2>" + err_file).c_str(), "r");
  if (!pipe) return o;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) o.out.append(buffer, n);
  int status = pclose(pipe);
  o.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (FILE* f = fopen(err_file.c_str(), "r")) {
    while (size_t n = fread(buffer, 1, sizeof buffer, f)) o.err.append(buffer, n);
    fclose(f);
  }
  return o;
}

}  // namespace

TEST_CASE("patterns -O0, live: partitions and leaks match the truth",
          "[patterns][live]") {
  LiveSim fixture({}, patterns_fixture("O0"));
  check_everything(fixture.dbg, fixture.truth, "-O0 live");
}

TEST_CASE("patterns -O2, live: partitions and leaks match the truth",
          "[patterns][live]") {
  LiveSim fixture({}, patterns_fixture("O2"));
  check_everything(fixture.dbg, fixture.truth, "-O2 live");
}

TEST_CASE("patterns -O0, core: partitions and leaks match the truth",
          "[patterns][core]") {
  CoreSim fixture({}, patterns_fixture("O0"));
  check_everything(fixture.dbg, fixture.truth, "-O0 core");
}

TEST_CASE("patterns -O2, core: partitions and leaks match the truth, in-process and per root "
          "in a fresh CLI process", "[patterns][core][cli]") {
  FixtureProgram program = patterns_fixture("O2");
  CoreSim fixture({}, program);
  check_everything(fixture.dbg, fixture.truth, "-O2 core");
  check_typed_only(fixture.dbg, fixture.truth);
  check_member_roots(fixture.dbg, fixture.truth);

  Tally tally;
  const std::string config = "-O2 core, CLI";
  for (const auto& [_, pattern] : fixture.truth.get_child("patterns")) {
    std::string root = pattern.get<std::string>("root");
    Output o = run_cli(fmt::format("{} --core {} {} partition --root {} --format json",
                                   HEAPWALK_CLI_PATH, fixture.core_path, program.executable, root),
                       fixture.dir + "/cli-" + root + ".err");
    compare(tally, config, root, pattern, o.ok, o.out, o.err);
  }
  WARN(tally.summary(config));
}
