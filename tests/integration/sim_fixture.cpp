#include "sim_fixture.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include <boost/property_tree/json_parser.hpp>
#include <fmt/format.h>

#include "plugin/heap_commands.h"

namespace heapwalk::test {

namespace fs = std::filesystem;

std::string sim_executable() { return HEAPWALK_FIXTURE_DIR "/heapwalk_fixture_sim"; }
std::string leaky_executable() { return HEAPWALK_LEAKY_FIXTURE; }

std::string make_work_dir(const std::string& tag) {
  std::string pattern = (fs::temp_directory_path() / ("heapwalk-" + tag + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

boost::property_tree::ptree read_truth(const std::string& path) {
  boost::property_tree::ptree tree;
  boost::property_tree::read_json(path, tree);
  return tree;
}

Debugger::Debugger() {
  setenv("LLDB_DEBUGSERVER_PATH", "/usr/lib/llvm-16/bin/lldb-server", 0);
  lldb::SBDebugger::Initialize();
  debugger = lldb::SBDebugger::Create(false);
  debugger.SetAsync(false);
  plugin::register_heap_commands(debugger);
}

Debugger::~Debugger() { lldb::SBDebugger::Destroy(debugger); }

void Debugger::hide_libc_debug_info() {
  run("settings set symbols.enable-external-lookup false");
  run("settings set target.debug-file-search-paths /nonexistent");
}

std::string Debugger::run(const std::string& command, bool* ok, std::string* error) {
  lldb::SBCommandReturnObject result;
  debugger.GetCommandInterpreter().HandleCommand(command.c_str(), result);
  if (ok) *ok = result.Succeeded();
  if (error) *error = result.GetError() ? result.GetError() : "";
  return result.GetOutput() ? result.GetOutput() : "";
}

LiveSim::LiveSim(const std::vector<std::string>& args, const FixtureProgram& program)
    : dir(make_work_dir("live")) {
  if (program.hide_libc_debug_info) dbg.hide_libc_debug_info();
  target = dbg.debugger.CreateTarget(program.executable.c_str());
  target.BreakpointCreateByName("ready");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  lldb::SBLaunchInfo info(argv.data());
  info.SetWorkingDirectory(dir.c_str());
  lldb::SBError error;
  process = target.Launch(info, error);
  if (!process.IsValid() || process.GetState() != lldb::eStateStopped)
    throw std::runtime_error(fmt::format("fixture did not stop at ready(): {}",
                                         error.GetCString() ? error.GetCString() : "?"));
  truth = read_truth(dir + "/" + program.truth_file);
}

LiveSim::~LiveSim() {
  if (process.IsValid()) process.Kill();
}

pid_t spawn_waiting_sim(const std::vector<std::string>& args, const std::string& dir,
                        const FixtureProgram& program) {
  std::string truth = dir + "/" + program.truth_file;
  std::string executable = program.executable;
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0) _exit(127);
    std::vector<char*> argv{executable.data()};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(const_cast<char*>("--wait"));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  // The truth file appears when the fixture has reached ready() and waits.
  for (int i = 0; i < 600 && !fs::exists(truth); ++i) {
    if (waitpid(pid, nullptr, WNOHANG) == pid)
      throw std::runtime_error("the sim fixture exited before reaching ready()");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  return pid;
}

void end_sim(pid_t pid) {
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

std::string make_sim_core(const std::vector<std::string>& args, const std::string& dir,
                          const FixtureProgram& program) {
  pid_t pid = spawn_waiting_sim(args, dir, program);
  std::string core = dir + "/core";
  std::string command = fmt::format("gcore -o {} {} >{}/gcore.log 2>&1", core, pid, dir);
  int status = std::system(command.c_str());
  end_sim(pid);
  core += fmt::format(".{}", pid);
  if (status != 0 || !fs::exists(core))
    throw std::runtime_error(fmt::format("gcore failed; see {}/gcore.log", dir));
  return core;
}

CoreSim::CoreSim(const std::vector<std::string>& args, const FixtureProgram& program)
    : dir(make_work_dir("core")) {
  core_path = make_sim_core(args, dir, program);
  truth = read_truth(dir + "/" + program.truth_file);
  target = dbg.debugger.CreateTarget(program.executable.c_str());
  lldb::SBError error;
  lldb::SBProcess process = target.LoadCore(core_path.c_str(), error);
  if (!process.IsValid()) throw std::runtime_error("lldb could not load the core " + core_path);
}

CoreSim::~CoreSim() {
  if (!std::getenv("HEAPWALK_KEEP_CORES")) ::unlink(core_path.c_str());
}

}  // namespace heapwalk::test
