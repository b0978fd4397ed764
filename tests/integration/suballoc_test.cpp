// The suballoc fixture (fixtures/suballoc: an engine with a first-fit heap, a size-class pool and
// a frame allocator of its own) at -O0 and -O2, live at ready() and from a gcore core, with its
// recognizer file found beside the executable (EXE.heapwalk.toml): the allocators' units are
// allocations, so `heap partition --root g_world|g_engine` is exact in count, bytes and kinds,
// `heap leaks` reports exactly the units allocated and forgotten, `heap summary`'s bucket
// "program_free" is exactly the allocators' free bytes, and the spare heap's broken block is
// counted whole with one warning. Then the same file given with the CLI's --recognizers to a
// copy of the executable that has none beside it.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <boost/property_tree/json_parser.hpp>
#include <fmt/format.h>

#include "sim_fixture.h"

using namespace heapwalk::test;
using boost::property_tree::ptree;

namespace {

const char* const kWarning = "did not read as their rules say";

FixtureProgram suballoc_fixture(const std::string& build) {
  return {fmt::format("{}/../suballoc/heapwalk_fixture_suballoc_{}", HEAPWALK_FIXTURE_DIR, build),
          "suballoc-truth.json"};
}

ptree parse(const std::string& text) {
  ptree tree;
  std::istringstream in(text);
  boost::property_tree::read_json(in, tree);
  return tree;
}

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

using Rows = std::map<std::string, std::pair<uint64_t, uint64_t>>;  // kind -> count, bytes

void check_partition(const ptree& report, const ptree& root) {
  INFO("root " << root.get<std::string>("root"));
  CHECK(report.get<uint64_t>("count") == root.get<uint64_t>("count"));
  CHECK(report.get<uint64_t>("size") == root.get<uint64_t>("bytes"));
  Rows want, got;
  for (const auto& [_, k] : root.get_child("kinds"))
    want[k.get<std::string>("kind")] = {k.get<uint64_t>("count"), k.get<uint64_t>("bytes")};
  for (const auto& [_, row] : report.get_child("rows"))
    got[row.get<std::string>("kind")] = {row.get<uint64_t>("count"), row.get<uint64_t>("size")};
  for (const auto& [kind, figures] : want) {
    INFO("kind " << kind);
    CHECK(got[kind] == figures);
  }
  CHECK(got.size() == want.size());
}

// Every command of the check, through `run(command) -> (output, error text)`.
using Run = std::function<std::pair<std::string, std::string>(const std::string& command)>;

// `fresh_process_per_command`: the CLI, where every command is a new stop; in lldb the heap's
// warnings are shown once per stop, by its first command.
void check_all(const Run& run, const ptree& truth, bool fresh_process_per_command) {
  size_t commands = 0;
  auto warnings_expected = [&]() -> size_t { return fresh_process_per_command || commands++ == 0 ? 1 : 0; };
  for (const auto& [_, root] : truth.get_child("roots")) {
    auto [out, err] = run("partition --root " + root.get<std::string>("root") + " --format json");
    CHECK(occurrences(err, kWarning) == warnings_expected());  // the spare heap's block
    check_partition(parse(out), root);
  }
  {
    auto [out, err] = run("leaks --format json --show 1000");
    CHECK(occurrences(err, kWarning) == warnings_expected());
    ptree report = parse(out);
    CHECK(report.get<uint64_t>("count") == truth.get<uint64_t>("leaks.count"));
    CHECK(report.get<uint64_t>("size") == truth.get<uint64_t>("leaks.bytes"));
    CHECK(report.get<uint64_t>("direct") == truth.get<uint64_t>("leaks.direct"));
    CHECK(report.get<uint64_t>("indirect") == truth.get<uint64_t>("leaks.indirect"));
    std::set<std::string> reported, leaked;
    for (const auto& [kind, addresses] : report.get_child("samples"))
      for (const auto& [__, a] : addresses) reported.insert(a.get_value<std::string>());
    for (const auto& [__, b] : truth.get_child("leaks.blocks")) leaked.insert(b.get<std::string>("address"));
    CHECK(reported == leaked);
  }
  {
    auto [out, err] = run("summary --format json");
    ptree report = parse(out);
    uint64_t program_free = 0;
    for (const auto& [__, row] : report.get_child("buckets"))
      if (row.get<std::string>("bucket") == "program_free") program_free = row.get<uint64_t>("bytes");
    CHECK(program_free == truth.get<uint64_t>("program_free"));
    CHECK(report.get_child("problems").empty());
  }
  {
    // The broken block: one allocation, the whole chunk.
    auto [out, err] = run("partition --root g_spare_heap --format json");
    ptree report = parse(out);
    CHECK(report.get<uint64_t>("count") == 1);
    CHECK(report.get<uint64_t>("size") == truth.get<uint64_t>("spare.bytes"));
  }
}

void check_in_lldb(Debugger& dbg, const ptree& truth) {
  check_all(
      [&](const std::string& command) {
        bool ok = false;
        std::string error;
        std::string out = dbg.run("heap " + command, &ok, &error);
        INFO(command << ": " << error);
        REQUIRE(ok);
        return std::pair{out, error};
      },
      truth, /*fresh_process_per_command=*/false);
}

}  // namespace

TEST_CASE("the engine's own allocators' units are allocations, live", "[suballoc][live]") {
  for (const char* build : {"O0", "O2"}) {
    INFO("build " << build);
    LiveSim fixture({}, suballoc_fixture(build));
    check_in_lldb(fixture.dbg, fixture.truth);
  }
}

TEST_CASE("the engine's own allocators' units are allocations, from a core", "[suballoc][core]") {
  for (const char* build : {"O0", "O2"}) {
    INFO("build " << build);
    CoreSim fixture({}, suballoc_fixture(build));
    check_in_lldb(fixture.dbg, fixture.truth);
  }
}

TEST_CASE("the allocator rules work from --recognizers too", "[suballoc][cli]") {
  namespace fs = std::filesystem;
  FixtureProgram program = suballoc_fixture("O2");
  std::string dir = make_work_dir("suballoc-cli");
  std::string exe = dir + "/engine";  // no engine.heapwalk.toml beside it
  fs::copy_file(program.executable, exe);
  std::string rules = program.executable + ".heapwalk.toml";
  auto cli = [&](const std::string& recognizers, const std::string& command) {
    std::string err_file = dir + "/cli.err";
    std::string line = fmt::format("cd {} && {} {} --break ready -- {} {} 2>{}", dir,
                                   HEAPWALK_CLI_PATH, recognizers, exe, command, err_file);
    std::string out;
    FILE* pipe = popen(line.c_str(), "r");
    REQUIRE(pipe);
    char buffer[4096];
    while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
    int status = pclose(pipe);
    std::string err;
    if (FILE* f = fopen(err_file.c_str(), "r")) {
      while (size_t n = fread(buffer, 1, sizeof buffer, f)) err.append(buffer, n);
      fclose(f);
    }
    INFO(line << "\n" << err);
    REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    return std::pair{out, err};
  };
  // Without the rules the heap's block is one allocation reached from g_world's pointers into it.
  auto [bare, _] = cli("", "partition --root g_world --format json");
  ptree truth = read_truth(dir + "/" + program.truth_file);
  CHECK(parse(bare).get<uint64_t>("count") < truth.get<uint64_t>("roots..count"));
  check_all([&](const std::string& command) { return cli("--recognizers " + rules, command); },
            truth, /*fresh_process_per_command=*/true);
}
