// The two ways people run heapwalk: `plugin load` in a real lldb-16, and the heapwalk CLI.
#include <catch2/catch.hpp>

#include <cstdlib>

#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "command_output.h"
#include "sim_fixture.h"
#include "walker/memory/build_id.h"

using namespace heapwalk::test;

namespace {

std::string header_of(const boost::property_tree::ptree& truth) {
  return fmt::format("Partition of a set of {} objects. Total size = {} bytes.",
                     truth.get<uint64_t>("reachable_from_sim.count"),
                     truth.get<uint64_t>("reachable_from_sim.bytes"));
}

}  // namespace

TEST_CASE("plugin load in lldb-16, heap partition at a breakpoint", "[plugin][live]") {
  std::string dir = make_work_dir("plugin");
  ShellOutput out = run_shell(fmt::format(
      "cd {} && lldb-16 --batch -o 'plugin load {}' -o 'breakpoint set -n ready' -o run "
      "-o 'heap partition --root sim' -o 'heap more' -o 'heap partition --root nosuch' "
      "-- {}",
      dir, HEAPWALK_PLUGIN_PATH, sim_executable()));
  INFO(out.text);
  auto truth = read_truth(dir + "/sim-truth.json");
  CHECK(out.text.find(header_of(truth)) != std::string::npos);
  // The failed command said why in one line (lldb --batch stops at a failed command).
  CHECK(out.text.find("error: heap partition: no variable 'nosuch'") != std::string::npos);
  CHECK(out.text.find(" Index  Count   %     Size   % Cumulative  % Kind") != std::string::npos);
}

TEST_CASE("help heap describes the commands", "[plugin]") {
  ShellOutput out = run_shell(fmt::format("lldb-16 --batch -o 'plugin load {}' -o 'help heap partition'",
                               HEAPWALK_PLUGIN_PATH));
  INFO(out.text);
  CHECK(out.text.find("Syntax: heap partition [--root <EXPR> | --of <ROW>]") != std::string::npos);
  CHECK(out.text.find("-r --root <EXPR>") != std::string::npos);
}

TEST_CASE("heapwalk CLI: --break, --core and bad input", "[cli]") {
  std::string dir = make_work_dir("cli");
  ShellOutput live = run_shell(fmt::format("cd {} && {} --break ready -- {} --threads 1 partition --root sim",
                                dir, HEAPWALK_CLI_PATH, sim_executable()));
  INFO(live.text);
  CHECK(live.status == 0);
  CHECK(live.text.find(header_of(read_truth(dir + "/sim-truth.json"))) != std::string::npos);

  std::string core_dir = make_work_dir("cli-core");
  std::string core = make_sim_core({"--threads", "2"}, core_dir);
  ShellOutput post_mortem = run_shell(fmt::format("{} --core {} {} partition --root sim --format csv",
                                       HEAPWALK_CLI_PATH, core, sim_executable()));
  INFO(post_mortem.text);
  CHECK(post_mortem.status == 0);
  CHECK(post_mortem.text.rfind("index,count,count_percent,size,size_percent,cumulative,", 0) == 0);

  // A damaged core is a clear error, not a crash.
  std::string truncated = core_dir + "/truncated.core";
  std::filesystem::copy_file(core, truncated);
  std::filesystem::resize_file(truncated, std::filesystem::file_size(core) / 2);
  ShellOutput damaged = run_shell(fmt::format("{} --core {} {} partition --root sim", HEAPWALK_CLI_PATH,
                                   truncated, sim_executable()));
  INFO(damaged.text);
  CHECK(damaged.status == 1);
  CHECK(damaged.text.find("is truncated") != std::string::npos);
  // Named as truncated, not as a program without libc (what the lost notes would have listed).
  CHECK(damaged.text.find("no libc") == std::string::npos);

  ShellOutput missing = run_shell(fmt::format("{} --core {}/no-such-core {} partition",
                                   HEAPWALK_CLI_PATH, core_dir, sim_executable()));
  CHECK(missing.status == 1);
  CHECK(missing.text.find("heapwalk: cannot load core") != std::string::npos);
  ShellOutput usage = run_shell(fmt::format("{} --frobnicate", HEAPWALK_CLI_PATH));
  CHECK(usage.status == 2);
  if (!std::getenv("HEAPWALK_KEEP_CORES")) {
    std::filesystem::remove(core);
    std::filesystem::remove(truncated);
  }
}

TEST_CASE("a core is checked against the executable's build-id", "[cli][core]") {
  std::string dir = make_work_dir("buildid");
  std::string core = make_sim_core({}, dir);
  CHECK(heapwalk::walker::build_id_mismatch(sim_executable(), core).empty());
  // Another program under the same name stands for a rebuilt executable.
  std::string impostor = dir + "/heapwalk_fixture_sim";
  std::filesystem::copy_file(HEAPWALK_CLI_PATH, impostor);
  CHECK(heapwalk::walker::build_id_mismatch(impostor, core).find("different build") !=
        std::string::npos);
  // Refused, in one line naming the mismatch (not "no libc.so.6" or an empty heap).
  ShellOutput refused = run_shell(fmt::format("{} --core {} {} partition", HEAPWALK_CLI_PATH, core, impostor));
  INFO(refused.text);
  CHECK(refused.status == 1);
  CHECK(refused.text.find("error: heap partition: core " + core + " was made from a different build") !=
        std::string::npos);
}

TEST_CASE("heapwalk CLI attaches with --pid, writes --out, and detaches", "[cli][live]") {
  std::string dir = make_work_dir("attach");
  pid_t pid = spawn_waiting_sim({"--threads", "1"}, dir);
  std::string json = dir + "/partition.json";
  ShellOutput attached = run_shell(fmt::format("{} --pid {} partition --root sim --format json --out {}",
                                    HEAPWALK_CLI_PATH, pid, json));
  INFO(attached.text);
  CHECK(attached.status == 0);
  CHECK(attached.text.find("Wrote ") != std::string::npos);
  auto truth = read_truth(dir + "/sim-truth.json");
  auto report = read_truth(json);
  CHECK(report.get<uint64_t>("count") == truth.get<uint64_t>("reachable_from_sim.count"));
  CHECK(report.get<uint64_t>("size") == truth.get<uint64_t>("reachable_from_sim.bytes"));
  CHECK(kill(pid, 0) == 0);  // detached, not killed
  end_sim(pid);
}

TEST_CASE("recognizer files from --recognizers: a rule that does not apply is one warning, a broken file one error with its line", "[cli][recognizers]") {
  std::string dir = make_work_dir("cli-rules");
  {
    std::ofstream rule(dir + "/wrong.toml");
    rule << "[[recognizer]]\ntype = \"Simulation\"\n  [[recognizer.array]]\n"
            "  pointer = \"no_such_field\"\n  count = \"3\"\n";
    std::ofstream broken(dir + "/broken.toml");
    broken << "[[recognizer]]\ntype = \"Simulation\"\n  [[recognizer.array]]\n  count = \"3\"\n";
  }
  ShellOutput wrong = run_shell(fmt::format(
      "cd {0} && {1} --recognizers {0}/wrong.toml --break ready -- {2} partition --root sim",
      dir, HEAPWALK_CLI_PATH, sim_executable()));
  INFO(wrong.text);
  CHECK(wrong.status == 0);
  const std::string warning =
      "warning: a recognizer does not apply to Simulation: " + dir + "/wrong.toml:3:";
  REQUIRE(wrong.text.find(warning) != std::string::npos);
  CHECK(wrong.text.find(warning) == wrong.text.rfind(warning));  // once
  // The rule changes nothing else: the partition is still the truth's.
  CHECK(wrong.text.find(header_of(read_truth(dir + "/sim-truth.json"))) != std::string::npos);

  ShellOutput broken = run_shell(fmt::format(
      "cd {0} && {1} --recognizers {0}/broken.toml --break ready -- {2} partition --root sim",
      dir, HEAPWALK_CLI_PATH, sim_executable()));
  INFO(broken.text);
  CHECK(broken.status != 0);
  CHECK(broken.text.find(dir + "/broken.toml:3:") != std::string::npos);
}
