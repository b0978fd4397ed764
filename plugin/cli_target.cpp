#include "plugin/cli_target.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <thread>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>
#include <lldb/API/LLDB.h>

#include "plugin/cli_serve.h"
#include "plugin/heap_commands.h"
#include "plugin/interrupt.h"
#include "plugin/paging.h"
#include "plugin/no_attach/no_attach_target.h"

namespace heapwalk::plugin {
namespace {

constexpr const char* kDebugServer = "/usr/lib/llvm-16/bin/lldb-server";

// The exit status after SIGINT or SIGTERM, as a shell reports a process a SIGINT ended.
constexpr int kInterruptedStatus = 130;

// SIGINT and SIGTERM, taken by one thread (sigwait) rather than a handler, so that what they
// do may call LLDB: the first one interrupts the command (its `interrupted` callback polls the
// flag), stops a launch that has not reached its breakpoint (by killing what was launched), and
// gives the main thread a few seconds to detach or kill and exit 130; a second signal, or those
// seconds passing, kills what was launched and exits 130 at once. While serving (--serve), a
// SIGINT only interrupts the running command: the engine goes on reading commands.
class SignalWatch {
 public:
  SignalWatch() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    // Blocked before LLDB starts its threads, which inherit the mask; lldb-server and the
    // launched program reset theirs.
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    thread_ = std::thread([this] { watch(); });
  }
  ~SignalWatch() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    finished_.notify_all();
    // Wakes sigwait (the flag says why); a watcher that already returned needs nothing.
    if (watching_.load()) pthread_kill(thread_.native_handle(), SIGTERM);
    thread_.join();
  }
  bool signalled() const { return signalled_.load(); }
  // The process heapwalk launched (0: none), killed if heapwalk must exit without the main
  // thread.
  void set_launched(lldb::pid_t pid) { launched_.store(static_cast<pid_t>(pid)); }

 private:
  void watch() {
    struct Done {
      std::atomic<bool>& flag;
      ~Done() { flag.store(false); }
    } done{watching_};
    int signal = 0;
    while (sigwait(&set_, &signal) == 0) {
      {
        std::lock_guard lock(mutex_);
        if (done_) return;
      }
      if (signal == SIGINT && serving_.load()) {
        request_interrupt();
        command_interrupted_.store(true);
        fmt::print(stderr, "heapwalk: interrupted\n");
        continue;
      }
      if (!signalled_.exchange(true)) {
        request_interrupt();
        fmt::print(stderr, "heapwalk: {}: stopping\n", signal == SIGINT ? "interrupted" : "terminated");
        // A launch still on its way to the breakpoint ends when its program does.
        if (!stopped_.load() && launched_.load() > 0) ::kill(launched_.load(), SIGKILL);
        std::unique_lock lock(mutex_);
        if (finished_.wait_for(lock, std::chrono::seconds(5), [this] { return done_; })) return;
      }
      // A second signal, or the main thread still busy: leave now.
      if (pid_t pid = launched_.load(); pid > 0) ::kill(pid, SIGKILL);
      std::_Exit(kInterruptedStatus);
    }
  }

 public:
  // The launch reached its stop: from now on the main thread kills what it launched.
  void mark_stopped() { stopped_.store(true); }
  // --serve: from now on a SIGINT interrupts the running command only.
  void set_serving() { serving_.store(true); }
  // Before each served command: forget an interruption that came while idle.
  void begin_command() {
    command_interrupted_.store(false);
    clear_interrupt();
  }
  // After it: whether it was interrupted (then the interruption ends).
  bool end_command() {
    bool interrupted = command_interrupted_.exchange(false);
    if (!signalled_.load()) clear_interrupt();
    return interrupted;
  }

 private:
  sigset_t set_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable finished_;
  bool done_ = false;
  std::atomic<bool> signalled_{false}, stopped_{false}, watching_{true};
  std::atomic<bool> serving_{false}, command_interrupted_{false};
  std::atomic<pid_t> launched_{0};
};

// Creates the target and brings it to a stop; returns an error message, empty on success.
std::string open_target(lldb::SBDebugger& debugger, const CliTarget& spec, lldb::SBTarget& target,
                        SignalWatch& signals, std::unique_ptr<no_attach::NoAttachSession>& no_attach) {
  lldb::SBError error;
  switch (spec.mode) {
    case CliTarget::Mode::kNone:
      return {};
    case CliTarget::Mode::kNoAttach:
      return no_attach::connect_no_attach(debugger, {spec.pid, spec.mem_fd, spec.threads_file},
                                          target, no_attach);
    case CliTarget::Mode::kCore: {
      target = debugger.CreateTarget(spec.executable.c_str());
      if (!target.IsValid()) return fmt::format("cannot load executable '{}'", spec.executable);
      lldb::SBProcess process = target.LoadCore(spec.core.c_str(), error);
      if (!process.IsValid() || error.Fail())
        return fmt::format("cannot load core '{}': {}", spec.core,
                           error.GetCString() ? error.GetCString() : "not a core file");
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
      // The CLI's own environment, as a shell would pass it (SBLaunchInfo starts with none:
      // the program ran without PATH, HOME or an LD_PRELOAD'ed allocator).
      info.SetEnvironmentEntries(const_cast<const char**>(environ), /*append=*/true);
      char cwd[4096];
      if (getcwd(cwd, sizeof cwd)) info.SetWorkingDirectory(cwd);
      // Launched asynchronously, so that its pid is known while it runs to the breakpoint.
      debugger.SetAsync(true);
      lldb::SBListener listener = debugger.GetListener();
      lldb::SBProcess process = target.Launch(info, error);
      if (process.IsValid()) signals.set_launched(process.GetProcessID());
      if (process.IsValid() && error.Success()) {
        for (lldb::SBEvent event;;) {
          if (!listener.WaitForEvent(1, event)) {
            if (signals.signalled()) break;
            continue;
          }
          if (!lldb::SBProcess::EventIsProcessEvent(event)) continue;
          lldb::StateType state = lldb::SBProcess::GetStateFromEvent(event);
          if (state == lldb::eStateStopped && lldb::SBProcess::GetRestartedFromEvent(event)) continue;
          if (state == lldb::eStateStopped || state == lldb::eStateExited ||
              state == lldb::eStateCrashed || state == lldb::eStateDetached)
            break;
        }
      }
      debugger.SetAsync(false);
      if (signals.signalled()) return "interrupted before the program reached its breakpoint";
      if (process.IsValid() && process.GetState() == lldb::eStateStopped) signals.mark_stopped();
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
  // --no-attach: the stub answers D and stops; the process was never attached.
  if (spec.mode == CliTarget::Mode::kAttach || spec.mode == CliTarget::Mode::kNoAttach)
    process.Detach();
  if (spec.mode == CliTarget::Mode::kLaunch) process.Kill();
}

}  // namespace

int run_cli(const CliTarget& spec, const std::string& command) {
  // A program that links liblldb finds no lldb-server by itself.
  setenv("LLDB_DEBUGSERVER_PATH", kDebugServer, /*overwrite=*/0);
  // A write to lldb-server's socket once it is gone (after a kill) must be an error, not a
  // death by SIGPIPE; lldb's own driver ignores it too.
  std::signal(SIGPIPE, SIG_IGN);
  SignalWatch signals;
  lldb::SBDebugger::Initialize();
  int status = 1;
  {
    lldb::SBDebugger debugger = lldb::SBDebugger::Create(false);
    debugger.SetAsync(false);
    register_heap_commands(debugger, spec.core);
    lldb::SBTarget target;
    std::unique_ptr<no_attach::NoAttachSession> no_attach;
    std::string error = open_target(debugger, spec, target, signals, no_attach);
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
      if (loaded && spec.serve) {
        // Nothing but answers on stdout: whatever LLDB would print itself goes to stderr.
        debugger.SetOutputFileHandle(stderr, false);
        signals.set_serving();
        ServeHooks hooks{[&] { signals.begin_command(); }, [&] { return signals.end_command(); },
                         [&] { return signals.signalled(); }};
        status = serve_commands(debugger, STDIN_FILENO, stdout, hooks);
      } else {
        mark_single_command_process();
        if (loaded) debugger.GetCommandInterpreter().HandleCommand(command.c_str(), result);
        if (result.GetOutputSize()) fmt::print("{}", result.GetOutput());
        if (result.GetErrorSize()) fmt::print(stderr, "{}", result.GetError());
        status = result.Succeeded() ? 0 : 1;
      }
    }
    if (signals.signalled()) status = kInterruptedStatus;
    leave_target(spec, target);
    no_attach.reset();
    lldb::SBDebugger::Destroy(debugger);
  }
  lldb::SBDebugger::Terminate();
  return status;
}

}  // namespace heapwalk::plugin
