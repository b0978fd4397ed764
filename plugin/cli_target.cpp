#include "plugin/cli_target.h"

#include <cstdlib>
#include <unistd.h>

#include <fmt/format.h>
#include <lldb/API/LLDB.h>

#include "plugin/heap_commands.h"
#include "walker/memory/build_id.h"

namespace heapwalk::plugin {
namespace {

constexpr const char* kDebugServer = "/usr/lib/llvm-16/bin/lldb-server";

// Creates the target and brings it to a stop; returns an error message, empty on success.
std::string open_target(lldb::SBDebugger& debugger, const CliTarget& spec, lldb::SBTarget& target) {
  lldb::SBError error;
  switch (spec.mode) {
    case CliTarget::Mode::kNone:
      return {};
    case CliTarget::Mode::kCore: {
      target = debugger.CreateTarget(spec.executable.c_str());
      if (!target.IsValid()) return fmt::format("cannot load executable '{}'", spec.executable);
      lldb::SBProcess process = target.LoadCore(spec.core.c_str(), error);
      if (!process.IsValid() || error.Fail())
        return fmt::format("cannot load core '{}': {}", spec.core,
                           error.GetCString() ? error.GetCString() : "not a core file");
      std::string mismatch = walker::build_id_mismatch(spec.executable, spec.core);
      if (!mismatch.empty()) fmt::print(stderr, "heapwalk: warning: {}\n", mismatch);
      return {};
    }
    case CliTarget::Mode::kAttach: {
      target = debugger.CreateTarget("");
      lldb::SBListener listener = debugger.GetListener();
      lldb::SBProcess process =
          target.AttachToProcessWithID(listener, static_cast<lldb::pid_t>(spec.pid), error);
      if (!process.IsValid() || error.Fail())
        return fmt::format("cannot attach to process {}: {}", spec.pid,
                           error.GetCString() ? error.GetCString() : "unknown error");
      return {};
    }
    case CliTarget::Mode::kLaunch: {
      target = debugger.CreateTarget(spec.executable.c_str());
      if (!target.IsValid()) return fmt::format("cannot load executable '{}'", spec.executable);
      lldb::SBBreakpoint breakpoint = target.BreakpointCreateByName(spec.function.c_str());
      if (breakpoint.GetNumLocations() == 0)
        return fmt::format("no function '{}' in '{}'", spec.function, spec.executable);
      std::vector<const char*> argv;
      for (const std::string& a : spec.arguments) argv.push_back(a.c_str());
      argv.push_back(nullptr);
      lldb::SBLaunchInfo info(argv.data());  // argv without argv[0]
      char cwd[4096];
      if (getcwd(cwd, sizeof cwd)) info.SetWorkingDirectory(cwd);
      lldb::SBProcess process = target.Launch(info, error);
      if (!process.IsValid() || error.Fail())
        return fmt::format("cannot launch '{}': {}", spec.executable,
                           error.GetCString() ? error.GetCString() : "unknown error");
      if (process.GetState() != lldb::eStateStopped)
        return fmt::format("'{}' ended before reaching {}", spec.executable, spec.function);
      return {};
    }
  }
  return {};
}

void leave_target(const CliTarget& spec, lldb::SBTarget& target) {
  if (!target.IsValid()) return;
  lldb::SBProcess process = target.GetProcess();
  if (!process.IsValid()) return;
  if (spec.mode == CliTarget::Mode::kAttach) process.Detach();
  if (spec.mode == CliTarget::Mode::kLaunch) process.Kill();
}

}  // namespace

int run_cli(const CliTarget& spec, const std::string& command) {
  // A program that links liblldb finds no lldb-server by itself.
  setenv("LLDB_DEBUGSERVER_PATH", kDebugServer, /*overwrite=*/0);
  lldb::SBDebugger::Initialize();
  int status = 1;
  {
    lldb::SBDebugger debugger = lldb::SBDebugger::Create(false);
    debugger.SetAsync(false);
    register_heap_commands(debugger, spec.core);
    lldb::SBTarget target;
    std::string error = open_target(debugger, spec, target);
    if (!error.empty()) {
      fmt::print(stderr, "heapwalk: {}\n", error);
    } else {
      lldb::SBCommandReturnObject result;
      bool loaded = true;
      for (const std::string& file : spec.recognizer_files) {
        lldb::SBCommandReturnObject load;
        std::string line = "heap recognizers load \"" + file + "\"";
        debugger.GetCommandInterpreter().HandleCommand(line.c_str(), load);
        if (!load.Succeeded()) {
          result = load;
          loaded = false;
          break;
        }
      }
      if (loaded) debugger.GetCommandInterpreter().HandleCommand(command.c_str(), result);
      if (result.GetOutputSize()) fmt::print("{}", result.GetOutput());
      if (result.GetErrorSize()) fmt::print(stderr, "{}", result.GetError());
      status = result.Succeeded() ? 0 : 1;
    }
    leave_target(spec, target);
    lldb::SBDebugger::Destroy(debugger);
  }
  lldb::SBDebugger::Terminate();
  return status;
}

}  // namespace heapwalk::plugin
