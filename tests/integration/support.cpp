#include "support.h"

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

namespace heapwalk::test {

namespace fs = std::filesystem;

std::string make_temp_dir(const std::string& tag) {
  std::string pattern = (fs::temp_directory_path() / ("heapwalk-" + tag + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
  return pattern;
}

boost::property_tree::ptree read_json_file(const std::string& path) {
  boost::property_tree::ptree tree;
  boost::property_tree::read_json(path, tree);
  return tree;
}

DebuggerHandle::DebuggerHandle() {
  setenv("LLDB_DEBUGSERVER_PATH", "/usr/lib/llvm-16/bin/lldb-server", 0);
  lldb::SBDebugger::Initialize();
  debugger = lldb::SBDebugger::Create(false);
  debugger.SetAsync(false);
}

DebuggerHandle::~DebuggerHandle() { lldb::SBDebugger::Destroy(debugger); }

StoppedFixture::~StoppedFixture() {
  if (process.IsValid()) process.Kill();
}

std::unique_ptr<StoppedFixture> launch_to_ready(const std::string& exe,
                                                const std::vector<std::string>& args,
                                                const std::string& workdir) {
  auto fixture = std::make_unique<StoppedFixture>();
  fixture->target = fixture->dbg.debugger.CreateTarget(exe.c_str());
  if (!fixture->target.IsValid()) throw std::runtime_error("lldb cannot create a target for " + exe);
  fixture->target.BreakpointCreateByName("ready");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  lldb::SBLaunchInfo info(argv.data());
  info.SetWorkingDirectory(workdir.c_str());
  lldb::SBError error;
  fixture->process = fixture->target.Launch(info, error);
  // Synchronous mode: Launch returns once the process stops (at the breakpoint) or exits.
  if (!fixture->process.IsValid() || fixture->process.GetState() != lldb::eStateStopped)
    throw std::runtime_error(fmt::format("{} did not stop at ready(): {}", exe,
                                         error.GetCString() ? error.GetCString() : "?"));
  return fixture;
}

std::string make_gcore(const std::string& exe, const std::vector<std::string>& args,
                       const std::string& workdir, const std::string& truth_file) {
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (chdir(workdir.c_str()) != 0) _exit(127);
    std::vector<char*> argv{const_cast<char*>(exe.c_str())};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(const_cast<char*>("--wait"));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  fs::path truth = fs::path(truth_file).is_absolute() ? fs::path(truth_file)
                                                      : fs::path(workdir) / truth_file;
  auto stop = [pid] {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  };
  // The truth file appears (renamed into place, whole) just before ready(); poll for it.
  for (int i = 0; !fs::exists(truth); ++i) {
    if (waitpid(pid, nullptr, WNOHANG) == pid)
      throw std::runtime_error(exe + " exited before reaching ready()");
    if (i == 1200) {
      stop();
      throw std::runtime_error(exe + " did not write " + truth.string() + " within 60 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // ready() and the pause that follows take microseconds; gcore stops all threads anyway.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::string core = fmt::format("{}/core", workdir);
  int status = std::system(
      fmt::format("gcore -o {} {} >{}/gcore.log 2>&1", core, pid, workdir).c_str());
  stop();
  core += fmt::format(".{}", pid);
  if (status != 0 || !fs::exists(core))
    throw std::runtime_error(fmt::format("gcore failed; see {}/gcore.log", workdir));
  return core;
}

std::unique_ptr<LoadedCore> load_core(const std::string& exe, const std::string& core) {
  auto loaded = std::make_unique<LoadedCore>();
  loaded->target = loaded->dbg.debugger.CreateTarget(exe.c_str());
  lldb::SBError error;
  loaded->process = loaded->target.LoadCore(core.c_str(), error);
  if (!loaded->process.IsValid())
    throw std::runtime_error(fmt::format("lldb could not load the core {}: {}", core,
                                         error.GetCString() ? error.GetCString() : "?"));
  return loaded;
}

}  // namespace heapwalk::test
