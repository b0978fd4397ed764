// Issue 11 "Never crash, never hang, never mislead": what heapwalk cannot answer it refuses in
// one line that names the real cause, before it reads the target (a running process, an exited
// one, no process, jemalloc or tcmalloc preloaded, a static or 32-bit program, the core of
// another program); what it can answer with less (no debug info) it answers with a note.
// Everything here runs real lldb on the fixtures/refusals programs.
#include <signal.h>

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "command_output.h"
#include "sim_fixture.h"

using namespace heapwalk::test;

namespace {

std::string tiny(const std::string& variant = "") {
  return std::string(HEAPWALK_TINY_FIXTURE_DIR "/heapwalk_fixture_tiny") + variant;
}

constexpr const char* kJemalloc = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";
constexpr const char* kTcmalloc = "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4";

// The error text of `command`, REQUIREd to fail.
std::string refusal(Debugger& dbg, const std::string& command) {
  bool ok = true;
  std::string error;
  dbg.run(command, &ok, &error);
  INFO(command << " -> " << error);
  CHECK_FALSE(ok);
  return error;
}

// `exe` launched under `dbg` with `env` (KEY=VALUE), stopped at `stop` (or at its entry).
lldb::SBProcess launch(Debugger& dbg, const std::string& exe, const std::string& stop,
                       const std::vector<std::string>& args = {},
                       const std::vector<std::string>& env = {},
                       const std::string& work_dir = "") {
  lldb::SBTarget target = dbg.debugger.CreateTarget(exe.c_str());
  REQUIRE(target.IsValid());
  if (!stop.empty()) REQUIRE(target.BreakpointCreateByName(stop.c_str()).GetNumLocations() > 0);
  std::vector<const char*> argv, envp;
  for (const std::string& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  for (const std::string& e : env) envp.push_back(e.c_str());
  envp.push_back(nullptr);
  lldb::SBLaunchInfo info(argv.data());
  if (!env.empty()) info.SetEnvironmentEntries(envp.data(), /*append=*/true);
  if (stop.empty()) info.SetLaunchFlags(info.GetLaunchFlags() | lldb::eLaunchFlagStopAtEntry);
  info.SetWorkingDirectory(work_dir.empty() ? make_work_dir("tiny").c_str() : work_dir.c_str());
  lldb::SBError error;
  lldb::SBProcess process = target.Launch(info, error);
  INFO((error.GetCString() ? error.GetCString() : ""));
  REQUIRE(process.IsValid());
  REQUIRE(process.GetState() == lldb::eStateStopped);
  return process;
}

// N of "Partition of a set of N objects."; 0 when absent.
uint64_t objects_in(const std::string& partition) {
  const std::string head = "Partition of a set of ";
  size_t at = partition.find(head);
  return at == std::string::npos ? 0 : std::stoull(partition.substr(at + head.size()));
}

// Waits (async mode) until the process is in `state`; false after 10 s.
bool wait_for_state(Debugger& dbg, lldb::SBProcess& process, lldb::StateType state) {
  lldb::SBListener listener = dbg.debugger.GetListener();
  for (int i = 0; i < 100 && process.GetState() != state; ++i) {
    lldb::SBEvent event;
    listener.WaitForEvent(0, event);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return process.GetState() == state;
}

}  // namespace

TEST_CASE("no target and no process are refused by name", "[refusals]") {
  Debugger dbg;
  CHECK(refusal(dbg, "heap summary").find("no target") != std::string::npos);
  REQUIRE(dbg.debugger.CreateTarget(tiny().c_str()).IsValid());
  CHECK(refusal(dbg, "heap partition").find("no process") != std::string::npos);
}

TEST_CASE("an exited process is refused as exited", "[refusals][live]") {
  Debugger dbg;
  lldb::SBTarget target = dbg.debugger.CreateTarget(tiny().c_str());
  const char* argv[] = {nullptr};
  lldb::SBLaunchInfo info(argv);
  lldb::SBError error;
  lldb::SBProcess process = target.Launch(info, error);
  REQUIRE(process.GetState() == lldb::eStateExited);
  std::string why = refusal(dbg, "heap leaks");
  CHECK(why.find("the process has exited (status 0") != std::string::npos);
}

TEST_CASE("a detached process is refused in one line", "[refusals][live]") {
  Debugger dbg;
  lldb::SBProcess process = launch(dbg, tiny(), "ready", {"--spin"});
  lldb::pid_t pid = process.GetProcessID();
  REQUIRE(process.Detach().Success());
  INFO("state after detach: " << lldb::SBDebugger::StateAsCString(process.GetState()) << ", target's process valid: "
       << dbg.debugger.GetSelectedTarget().GetProcess().IsValid() << " state "
       << lldb::SBDebugger::StateAsCString(dbg.debugger.GetSelectedTarget().GetProcess().GetState()));
  std::string why = refusal(dbg, "heap partition");
  INFO(why);
  // LLDB 16 still says "stopped" after a synchronous detach; the kernel says the threads run.
  // One line that says so, and nothing is read from a process no longer held.
  CHECK(why.find("the process is not stopped (thread ") != std::string::npos);
  CHECK(why.find("runs: detached, or resumed by another tool)") != std::string::npos);
  CHECK(why.find('\n') == why.size() - 1);
  kill(static_cast<pid_t>(pid), SIGKILL);
}

TEST_CASE("a running process is refused without touching it, and works once stopped",
          "[refusals][live]") {
  Debugger dbg;
  lldb::SBProcess process = launch(dbg, tiny(), "ready", {"--spin"});
  dbg.debugger.SetAsync(true);
  REQUIRE(process.Continue().Success());
  REQUIRE(wait_for_state(dbg, process, lldb::eStateRunning));
  for (const char* command : {"heap summary", "heap partition", "heap leaks", "heap arenas"}) {
    std::string why = refusal(dbg, command);
    CHECK(why.find("the process is running: stop it first") != std::string::npos);
    CHECK(why.find('\n') == why.size() - 1);  // one line
  }
  REQUIRE(process.Stop().Success());
  REQUIRE(wait_for_state(dbg, process, lldb::eStateStopped));
  dbg.debugger.SetAsync(false);
  // lldb's own region queries still work (they broke when heapwalk read a running process).
  bool ok = false;
  std::string error;
  std::string regions = dbg.run("memory region --all", &ok, &error);
  INFO(error);
  CHECK(ok);
  CHECK(regions.find("[heap]") != std::string::npos);
  std::string partition = dbg.run("heap partition", &ok, &error);
  INFO(error);
  REQUIRE(ok);
  // The 100 nodes and 16 blocks the globals reach.
  CHECK(objects_in(partition) == 116);
  process.Kill();
}

TEST_CASE("jemalloc and tcmalloc, preloaded, are named", "[refusals][live]") {
  for (auto [library, name] : {std::pair{kJemalloc, "jemalloc (libjemalloc.so.2)"},
                               std::pair{kTcmalloc, "tcmalloc (libtcmalloc_minimal.so.4)"}}) {
    INFO(library);
    REQUIRE(std::filesystem::exists(library));  // scripts/install-deps installs both
    Debugger dbg;
    lldb::SBProcess process =
        launch(dbg, tiny(), "ready", {}, {fmt::format("LD_PRELOAD={}", library)});
    std::string why = refusal(dbg, "heap summary");
    CHECK(why.find(fmt::format("this process allocates with {}: heapwalk reads glibc malloc heaps",
                               name)) != std::string::npos);
    process.Kill();
  }
}

TEST_CASE("a static program and a 32-bit program are named", "[refusals][live]") {
  {
    Debugger dbg;
    lldb::SBProcess process = launch(dbg, tiny("_static"), "");
    std::string why = refusal(dbg, "heap summary");
    CHECK(why.find("heapwalk_fixture_tiny_static is statically linked") != std::string::npos);
    process.Kill();
  }
#if HEAPWALK_HAVE_M32
  {
    Debugger dbg;
    lldb::SBProcess process = launch(dbg, tiny("_m32"), "ready");
    std::string why = refusal(dbg, "heap leaks");
    CHECK(why.find("heapwalk reads x86-64 targets; this one is i386") != std::string::npos);
    CHECK(why.find("(32-bit)") != std::string::npos);
    process.Kill();
  }
#else
  WARN("no 32-bit toolchain (gcc -m32: gcc-multilib): the 32-bit refusal is not tested");
#endif
}

TEST_CASE("a program without debug info gets its partition and a note", "[refusals][live]") {
  Debugger dbg;
  lldb::SBProcess process = launch(dbg, tiny("_nodebug"), "ready");
  lldb::SBCommandReturnObject result;
  dbg.debugger.GetCommandInterpreter().HandleCommand("heap leaks", result);
  INFO((result.GetError() ? result.GetError() : ""));
  REQUIRE(result.Succeeded());
  std::string warnings = result.GetError() ? result.GetError() : "";
  CHECK(warnings.find("heapwalk_fixture_tiny_nodebug has no debug info") != std::string::npos);
  // Once per stop.
  lldb::SBCommandReturnObject again;
  dbg.debugger.GetCommandInterpreter().HandleCommand("heap leaks", again);
  std::string second = again.GetError() ? again.GetError() : "";
  CHECK(second.find("no debug info") == std::string::npos);
  // heap warnings lists the stop's warnings and notes, whenever asked.
  bool ok = false;
  std::string listed = dbg.run("heap warnings", &ok);
  INFO(listed);
  CHECK(ok);
  CHECK(listed.rfind("0 warnings about this stop's heap.\n", 0) == 0);
  CHECK(listed.find("note: heapwalk_fixture_tiny_nodebug has no debug info") != std::string::npos);
  std::string json = dbg.run("heap warnings --format json", &ok);
  CHECK(json.find("\"warnings\": []") != std::string::npos);
  CHECK(json.find("\"notes\": [") != std::string::npos);
  CHECK(json.find("\"heapwalk_fixture_tiny_nodebug has no debug info") > json.find("\"notes\""));
  process.Kill();
}

TEST_CASE("a program without debug info: heap partition counts what its roots reach, vtables name "
          "what they can", "[refusals][live]") {
  // Issue 11 item 4: a plain partition used to show 0 objects (no typed global to start from).
  {  // C: no vtables, every block reached conservatively
    Debugger dbg;
    lldb::SBProcess process = launch(dbg, tiny("_nodebug"), "ready");
    bool ok = false;
    std::string error;
    std::string partition = dbg.run("heap partition", &ok, &error);
    INFO(partition << error);
    REQUIRE(ok);
    CHECK(error.find("has no debug info") != std::string::npos);
    CHECK(objects_in(partition) >= 116);  // its 100 nodes and 16 blocks (and stdio's buffer)
    process.Kill();
  }
  // C++: Circle and Square named by their vtables, the array and blocks counted.
  Debugger dbg;
  std::string dir = make_work_dir("poly");
  lldb::SBProcess process = launch(
      dbg, std::string(HEAPWALK_TINY_FIXTURE_DIR "/heapwalk_fixture_poly_nodebug"), "ready", {}, {},
      dir);
  auto truth = read_truth(dir + "/poly-truth.json");
  auto json = json_of(dbg, "heap partition --format json --limit 100");
  std::map<std::string, uint64_t> counts;
  for (const auto& [_, row] : json.get_child("rows"))
    counts[row.get<std::string>("kind")] = row.get<uint64_t>("count");
  CHECK(counts["Circle"] == truth.get<uint64_t>("circles"));
  CHECK(counts["Square"] == truth.get<uint64_t>("squares"));
  CHECK(counts["<conservative>"] >= truth.get<uint64_t>("blocks"));
  CHECK(json.get<uint64_t>("count") >= truth.get<uint64_t>("circles") +
                                          truth.get<uint64_t>("squares") +
                                          truth.get<uint64_t>("blocks"));
  // No leaks: every object is reachable (the array holds the shapes, globals the blocks).
  auto leaks = json_of(dbg, "heap leaks --format json");
  CHECK(leaks.get<uint64_t>("count") == 0);
  process.Kill();
}

TEST_CASE("the core of another program is refused by build-id, whatever the names",
          "[refusals][core]") {
  std::string dir = make_work_dir("other-core");
  std::string core = make_sim_core({}, dir, {tiny(), "tiny-truth.json"});
  {
    Debugger dbg;
    lldb::SBTarget target = dbg.debugger.CreateTarget(sim_executable().c_str());
    lldb::SBError error;
    REQUIRE(target.LoadCore(core.c_str(), error).IsValid());
    std::string why = refusal(dbg, "heap summary");
    CHECK(why.find(fmt::format("core {} is of {} (build-id", core, tiny())) != std::string::npos);
    CHECK(why.find(fmt::format("not of {} (build-id", sim_executable())) != std::string::npos);
  }
  {
    // Its own program reads it.
    Debugger dbg;
    lldb::SBTarget target = dbg.debugger.CreateTarget(tiny().c_str());
    lldb::SBError error;
    REQUIRE(target.LoadCore(core.c_str(), error).IsValid());
    bool ok = false;
    std::string message;
    dbg.run("heap summary", &ok, &message);
    INFO(message);
    CHECK(ok);
  }
  std::filesystem::remove(core);
}
