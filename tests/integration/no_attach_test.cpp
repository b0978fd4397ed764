// heapwalk --pid PID --no-attach (issue 9): a stopped process analyzed without attaching. The
// sim fixture is stopped with SIGSTOP after ready(); a threads file is written from an SB API
// attach (then detached: the process stays stopped); every command's output must be the same
// bytes as the attached CLI's. A running process and a bad pid are refused in one line.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command_output.h"
#include "plugin/no_attach/no_attach_target.h"
#include "serve_client.h"
#include "sim_fixture.h"

using namespace heapwalk::test;
namespace fs = std::filesystem;

namespace {

std::string proc_field(pid_t pid, const std::string& key) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(key + ":")) {
      std::string value = line.substr(key.size() + 1);
      return value.substr(value.find_first_not_of(" \t"));
    }
  return {};
}

// The state letter of every thread ("T" = stopped); "" if gone.
std::string thread_states(pid_t pid) {
  std::string states;
  for (const auto& entry : fs::directory_iterator(fmt::format("/proc/{}/task", pid))) {
    std::ifstream in(entry.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    size_t paren = stat.rfind(')');
    if (paren != std::string::npos && paren + 2 < stat.size()) states += stat[paren + 2];
  }
  return states;
}

bool wait_stopped(pid_t pid) {
  for (int i = 0; i < 100; ++i) {
    std::string s = thread_states(pid);
    if (!s.empty() && s.find_first_not_of("T") == std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// The threads file a front end writes, from LLDB attached for a moment (lldb-server traces
// the process, reads each thread's registers, and detaches: a SIGSTOPped process stays so).
void write_threads_file(pid_t pid, const std::string& path) {
  Debugger dbg;
  lldb::SBTarget target = dbg.debugger.CreateTarget("");
  lldb::SBError error;
  lldb::SBListener listener = dbg.debugger.GetListener();
  lldb::SBProcess process = target.AttachToProcessWithID(listener, pid, error);
  REQUIRE(error.Success());
  nlohmann::json doc;
  doc["threads"] = nlohmann::json::array();
  for (uint32_t i = 0; i < process.GetNumThreads(); ++i) {
    lldb::SBThread thread = process.GetThreadAtIndex(i);
    lldb::SBFrame frame = thread.GetFrameAtIndex(0);
    nlohmann::json registers = nlohmann::json::object();
    for (const char* name : {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9",
                             "r10", "r11", "r12", "r13", "r14", "r15", "rip", "eflags", "cs",
                             "ss", "ds", "es", "fs", "gs", "fs_base", "gs_base"}) {
      lldb::SBValue value = frame.FindRegister(std::string(name) == "eflags" ? "rflags" : name);
      if (value.IsValid()) registers[name] = fmt::format("{:#x}", value.GetValueAsUnsigned());
    }
    doc["threads"].push_back({{"tid", thread.GetThreadID()},
                              {"name", thread.GetName() ? thread.GetName() : ""},
                              {"registers", registers}});
  }
  doc["selected_tid"] = process.GetSelectedThread().GetThreadID();
  doc["selected_frame"] = 0;
  process.Detach();
  std::ofstream(path) << doc.dump();
}

// The CLI's stdout and exit status; its stderr kept in `err`.
ShellOutput cli_stdout(const std::string& arguments, std::string* err = nullptr) {
  char name[] = "/tmp/heapwalk-no-attach-stderr-XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  ::close(fd);
  ShellOutput out;
  FILE* pipe = popen(fmt::format("{} {} 2>{}", HEAPWALK_CLI_PATH, arguments, name).c_str(), "r");
  REQUIRE(pipe);
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.text.append(buffer, n);
  out.status = WEXITSTATUS(pclose(pipe));
  std::ifstream in(name);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  if (err) *err = text;
  ::unlink(name);
  return out;
}

struct StoppedSim {
  std::string dir;
  pid_t pid = 0;
  explicit StoppedSim(const std::vector<std::string>& args, bool stop = true)
      : dir(make_work_dir("no-attach")) {
    pid = spawn_waiting_sim(args, dir);
    if (stop) {
      kill(pid, SIGSTOP);
      REQUIRE(wait_stopped(pid));
    }
  }
  ~StoppedSim() { end_sim(pid); }
};

}  // namespace

TEST_CASE("--no-attach prints what the attached CLI prints, and leaves the process as it was",
          "[cli][no-attach][live]") {
  StoppedSim sim({"--threads", "2"});
  std::string threads = sim.dir + "/threads.json";
  write_threads_file(sim.pid, threads);
  REQUIRE(thread_states(sim.pid).find_first_not_of("T") == std::string::npos);
  for (const char* command : {"partition --root sim", "leaks", "summary", "top 5", "shpaths --kind ConnectionField",
                              "partition --root sim --format json"}) {
    auto start = std::chrono::steady_clock::now();
    ShellOutput attached = cli_stdout(fmt::format("--pid {} {}", sim.pid, command));
    auto middle = std::chrono::steady_clock::now();
    std::string err;
    ShellOutput detached =
        cli_stdout(fmt::format("--pid {} --no-attach --threads {} {}", sim.pid, threads, command), &err);
    auto end = std::chrono::steady_clock::now();
    using ms = std::chrono::milliseconds;
    INFO(command << "\nattached " << std::chrono::duration_cast<ms>(middle - start).count()
                 << " ms, --no-attach " << std::chrono::duration_cast<ms>(end - middle).count()
                 << " ms\nstderr: " << err);
    CHECK(attached.status == 0);
    CHECK(detached.status == 0);
    CHECK_FALSE(attached.text.empty());
    CHECK(detached.text == attached.text);
    CHECK(err.find("register roots are missing") == std::string::npos);
    // Still stopped, and nobody traces it.
    CHECK(thread_states(sim.pid).find_first_not_of("T") == std::string::npos);
    CHECK(proc_field(sim.pid, "TracerPid") == "0");
  }
}

TEST_CASE("--no-attach --serve, --mem-fd, and a process another debugger holds", "[cli][no-attach][live]") {
  StoppedSim sim({});
  std::string threads = sim.dir + "/threads.json";
  write_threads_file(sim.pid, threads);
  std::string expected = cli_stdout(fmt::format("--pid {} partition --root sim", sim.pid)).text;
  // LLDB (lldb-server) traces the process meanwhile: nothing else may attach, --no-attach works.
  Debugger holder;
  lldb::SBTarget target = holder.debugger.CreateTarget("");
  lldb::SBError error;
  lldb::SBListener listener = holder.debugger.GetListener();
  lldb::SBProcess process = target.AttachToProcessWithID(listener, sim.pid, error);
  REQUIRE(error.Success());
  CHECK(proc_field(sim.pid, "TracerPid") != "0");
  // The memory descriptor opened by "the tracer" and inherited by heapwalk.
  int fd = ::open(fmt::format("/proc/{}/mem", sim.pid).c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  ServeClient engine({HEAPWALK_CLI_PATH, "--pid", std::to_string(sim.pid), "--no-attach", "--mem-fd",
                      std::to_string(fd), "--threads", threads, "--serve"},
                     sim.dir);
  ServeAnswer first = engine.ask("partition --root sim");
  INFO(engine.stderr_text());
  CHECK(first.status == 0);
  CHECK(first.text == expected);
  CHECK(engine.ask("leaks").status == 0);
  CHECK(engine.finish() == 0);
  ::close(fd);
  // A descriptor that could write is refused, and one that is not the process's memory.
  int writable = ::open(fmt::format("/proc/{}/mem", sim.pid).c_str(), O_RDWR);
  REQUIRE(writable >= 0);
  ShellOutput rw = run_shell(fmt::format("{} --pid {} --no-attach --mem-fd {} summary", HEAPWALK_CLI_PATH,
                                         sim.pid, writable));
  ::close(writable);
  CHECK(rw.status == 1);
  CHECK(rw.text == fmt::format("heapwalk: --mem-fd {} is open for writing: pass a read-only descriptor "
                               "(O_RDONLY)\n", writable));
  int other = ::open("/dev/null", O_RDONLY);
  ShellOutput bad = run_shell(fmt::format("{} --pid {} --no-attach --mem-fd {} summary", HEAPWALK_CLI_PATH,
                                          sim.pid, other));
  ::close(other);
  CHECK(bad.status == 1);
  CHECK(bad.text.find(fmt::format("is '/dev/null', not /proc/{}/mem", sim.pid)) != std::string::npos);
  process.Detach();
}

TEST_CASE("--no-attach refuses a running process, a bad pid and a bad threads file in one line",
          "[cli][no-attach][live]") {
  StoppedSim sim({}, /*stop=*/false);
  ShellOutput running = run_shell(fmt::format("{} --pid {} --no-attach summary", HEAPWALK_CLI_PATH, sim.pid));
  CHECK(running.status == 1);
  CHECK(running.text == "heapwalk: the process is running: stop it first\n");
  CHECK(proc_field(sim.pid, "TracerPid") == "0");
  CHECK(thread_states(sim.pid).find('T') == std::string::npos);  // not stopped by us either

  ShellOutput gone = run_shell(fmt::format("{} --pid 2147483646 --no-attach summary", HEAPWALK_CLI_PATH));
  CHECK(gone.status == 1);
  CHECK(gone.text == "heapwalk: no process 2147483646\n");

  kill(sim.pid, SIGSTOP);
  REQUIRE(wait_stopped(sim.pid));
  std::string file = sim.dir + "/bad-threads.json";
  std::ofstream(file) << R"({"threads":[{"tid":1,"registers":{"rax":"12"}}]})";
  ShellOutput bad = run_shell(fmt::format("{} --pid {} --no-attach --threads {} summary", HEAPWALK_CLI_PATH,
                                          sim.pid, file));
  CHECK(bad.status == 1);
  CHECK(bad.text == fmt::format("heapwalk: bad threads file '{}': register rax of thread 1 is not a "
                                "64-bit hex value: '12'\n", file));
  ShellOutput alien = run_shell(fmt::format(
      "echo '{{\"threads\":[{{\"tid\":1}}]}}' > {}/t.json && {} --pid {} --no-attach --threads {}/t.json summary",
      sim.dir, HEAPWALK_CLI_PATH, sim.pid, sim.dir));
  CHECK(alien.status == 1);
  CHECK(alien.text == fmt::format("heapwalk: thread 1 of the threads file is not a thread of process {}\n", sim.pid));
  // Without a threads file: one warning, and the commands still work.
  ShellOutput bare = run_shell(fmt::format("{} --pid {} --no-attach leaks", HEAPWALK_CLI_PATH, sim.pid));
  CHECK(bare.status == 0);
  CHECK(bare.text.find("heapwalk: warning: register roots are missing: pass --threads\n") == 0);
  ShellOutput usage = run_shell(fmt::format("{} --pid {} --threads x summary", HEAPWALK_CLI_PATH, sim.pid));
  CHECK(usage.status == 2);
  CHECK(usage.text.find("--mem-fd and --threads go with --no-attach") != std::string::npos);
}

TEST_CASE("--no-attach numbers threads in the threads file's order and selects its thread and frame",
          "[no-attach][live]") {
  StoppedSim sim({"--threads", "2"});
  std::string threads = sim.dir + "/threads.json";
  write_threads_file(sim.pid, threads);
  // The front end's order reversed, the last thread selected, its frame 1.
  nlohmann::json doc;
  std::ifstream(threads) >> doc;
  std::reverse(doc["threads"].begin(), doc["threads"].end());
  REQUIRE(doc["threads"].size() >= 2);
  uint64_t selected = doc["threads"].back()["tid"];
  doc["selected_tid"] = selected;
  doc["selected_frame"] = 1;
  std::ofstream(threads) << doc.dump();

  Debugger dbg;
  lldb::SBTarget target;
  std::unique_ptr<heapwalk::plugin::no_attach::NoAttachSession> session;
  std::string error = heapwalk::plugin::no_attach::connect_no_attach(
      dbg.debugger, {static_cast<uint64_t>(sim.pid), -1, threads}, target, session);
  REQUIRE(error.empty());
  lldb::SBProcess process = target.GetProcess();
  REQUIRE(process.GetNumThreads() == doc["threads"].size());
  for (uint32_t i = 0; i < process.GetNumThreads(); ++i) {
    lldb::SBThread thread = process.GetThreadAtIndex(i);
    CHECK(thread.GetThreadID() == doc["threads"][i]["tid"].get<uint64_t>());
    CHECK(thread.GetIndexID() == i + 1);
    // Registers as the file gave them; the stack unwinds from them.
    lldb::SBFrame top = thread.GetFrameAtIndex(0);
    CHECK(fmt::format("{:#x}", top.GetPC()) == doc["threads"][i]["registers"]["rip"].get<std::string>());
    CHECK(thread.GetNumFrames() >= 2);
  }
  CHECK(process.GetSelectedThread().GetThreadID() == selected);
  CHECK(process.GetSelectedThread().GetSelectedFrame().GetFrameID() == 1);
  // Nothing may change the process: a memory write and a resume fail.
  uint8_t byte = 0;
  lldb::SBError write_error;
  CHECK(process.WriteMemory(process.GetSelectedThread().GetFrameAtIndex(0).GetSP(), &byte, 1, write_error) == 0);
  CHECK(write_error.Fail());
  lldb::SBError resumed = process.Continue();
  INFO("continue: " << (resumed.GetCString() ? resumed.GetCString() : "ok") << ", LLDB state "
                    << lldb::SBDebugger::StateAsCString(process.GetState()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(thread_states(sim.pid).find_first_not_of("T") == std::string::npos);
  CHECK(process.GetState() != lldb::eStateRunning);
  process.Detach();
  session.reset();
}
