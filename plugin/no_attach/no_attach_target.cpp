#include "plugin/no_attach/no_attach_target.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include <fmt/format.h>

#include "plugin/no_attach/gdb_stub.h"
#include "plugin/no_attach/proc_files.h"
#include "plugin/no_attach/stub_server.h"
#include "plugin/no_attach/thread_file.h"
#include "walker/memory/target_memory.h"

namespace heapwalk::plugin::no_attach {
namespace {

std::vector<walker::Region> readable_regions(const std::vector<MapEntry>& maps) {
  std::vector<walker::Region> regions;
  for (const MapEntry& m : maps) {
    if (!m.read) continue;
    walker::Region r;
    r.start = m.start;
    r.end = m.end;
    r.readable = true;
    r.writable = m.write;
    r.executable = m.exec;
    r.name = m.name;
    regions.push_back(std::move(r));
  }
  return regions;
}

// What `fd` is open on, per /proc/self/fd.
std::string fd_target(int fd) {
  char buffer[PATH_MAX];
  ssize_t n = ::readlink(fmt::format("/proc/self/fd/{}", fd).c_str(), buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
}

// A thread the front end told nothing about: its name, and the stack pointer and pc that
// /proc/PID/task/TID/syscall shows while it waits in a system call (else no registers).
ThreadState thread_from_proc(uint64_t pid, uint64_t tid) {
  ThreadState t;
  t.tid = tid;
  t.name = thread_name(pid, tid);
  if (auto sp_pc = syscall_stack_and_pc(pid, tid)) {
    t.registers[kRsp] = sp_pc->sp;
    t.registers[kRip] = sp_pc->pc;
    t.known.set(kRsp).set(kRip);
  }
  return t;
}

// The threads in the stub's order: the file's (then any it missed), else /proc's.
std::string gather_threads(const NoAttachOptions& options, const std::vector<uint64_t>& tids,
                           TargetSnapshot& target, uint32_t& selected_frame) {
  if (!options.threads_file.empty()) {
    ThreadsFile file;
    try {
      file = read_threads_file(options.threads_file);
    } catch (const std::exception& e) {
      return e.what();
    }
    for (ThreadState& t : file.threads) {
      if (std::find(tids.begin(), tids.end(), t.tid) == tids.end())
        return fmt::format("thread {} of the threads file is not a thread of process {}", t.tid,
                           options.pid);
      if (t.name.empty()) t.name = thread_name(options.pid, t.tid);
      target.threads.push_back(std::move(t));
    }
    for (uint64_t tid : tids) {
      bool listed = false;
      for (const ThreadState& t : target.threads) listed |= t.tid == tid;
      if (listed) continue;
      target.threads.push_back(thread_from_proc(options.pid, tid));
    }
    selected_frame = file.selected_frame;
    uint64_t selected = file.selected_tid.value_or(target.threads.front().tid);
    for (size_t i = 0; i < target.threads.size(); ++i)
      if (target.threads[i].tid == selected) target.selected = i;
    return {};
  }
  for (uint64_t tid : tids) {
    target.threads.push_back(thread_from_proc(options.pid, tid));
  }
  target.selected = 0;
  return {};
}

}  // namespace

NoAttachSession::NoAttachSession() = default;

NoAttachSession::~NoAttachSession() {
  server_.reset();
  if (pid_) walker::use_process_memory_fd(pid_, -1);
  if (own_fd_ && fd_ >= 0) ::close(fd_);
}

std::string not_stopped_refusal(uint64_t pid) {
  if (!process_exists(pid)) return fmt::format("no process {}", pid);
  std::vector<uint64_t> tids = task_ids(pid);
  if (tids.empty()) return fmt::format("no process {}", pid);
  for (uint64_t tid : tids) {
    char state = thread_state(pid, tid);
    if (state == 0) continue;  // gone since the listing
    if (state == 'Z' || state == 'X')
      return fmt::format("process {} has exited (a zombie): nothing to analyze", pid);
    if (state != 't' && state != 'T') return "the process is running: stop it first";
  }
  return {};
}

std::string connect_no_attach(lldb::SBDebugger& debugger, const NoAttachOptions& options,
                              lldb::SBTarget& target, std::unique_ptr<NoAttachSession>& session) {
  if (std::string refusal = not_stopped_refusal(options.pid); !refusal.empty()) return refusal;
  if (options.pid == static_cast<uint64_t>(::getpid())) return "--no-attach cannot analyze heapwalk itself";
  std::vector<uint64_t> tids = task_ids(options.pid);
  if (tids.empty()) return fmt::format("no process {}", options.pid);

  auto own = std::make_unique<NoAttachSession>();
  own->pid_ = options.pid;
  std::string mem_path = fmt::format("/proc/{}/mem", options.pid);
  if (options.mem_fd >= 0) {
    struct stat st;
    if (::fstat(options.mem_fd, &st) != 0)
      return fmt::format("--mem-fd {} is not an open file descriptor", options.mem_fd);
    if (std::string path = fd_target(options.mem_fd); path != mem_path)
      return fmt::format("--mem-fd {} is '{}', not {}", options.mem_fd, path, mem_path);
    // Read-only by construction: a descriptor that could write is not taken.
    if (int flags = ::fcntl(options.mem_fd, F_GETFL); flags < 0 || (flags & O_ACCMODE) != O_RDONLY)
      return fmt::format("--mem-fd {} is open for writing: pass a read-only descriptor (O_RDONLY)",
                         options.mem_fd);
    own->fd_ = options.mem_fd;
  } else {
    own->fd_ = ::open(mem_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (own->fd_ < 0)
      return fmt::format("cannot read {}: {} (a tracer such as gdb can open it and pass --mem-fd)",
                         mem_path, std::strerror(errno));
    own->own_fd_ = true;
  }

  TargetSnapshot snapshot;
  snapshot.pid = options.pid;
  snapshot.ids = process_ids(options.pid);
  snapshot.maps = read_maps(options.pid);
  snapshot.auxv = read_auxv(options.pid);
  if (snapshot.maps.empty()) return fmt::format("cannot read /proc/{}/maps", options.pid);
  uint32_t selected_frame = 0;
  if (std::string error = gather_threads(options, tids, snapshot, selected_frame); !error.empty())
    return error;
  if (options.threads_file.empty())
    fmt::print(stderr, "heapwalk: warning: register roots are missing: pass --threads\n");
  std::shared_ptr<walker::MemoryImage> memory =
      walker::open_proc_mem_image(static_cast<int>(options.pid), own->fd_, readable_regions(snapshot.maps));
  if (!memory) return fmt::format("cannot read {} through descriptor {}", mem_path, own->fd_);
  snapshot.memory = memory;
  uint64_t selected_tid = snapshot.threads[snapshot.selected].tid;
  walker::use_process_memory_fd(options.pid, own->fd_);

  std::string executable = executable_path(options.pid);
  if (executable.empty()) return fmt::format("cannot read /proc/{}/exe", options.pid);
  target = debugger.CreateTarget(executable.c_str());
  if (!target.IsValid()) return fmt::format("cannot load executable '{}'", executable);
  try {
    own->server_ = std::make_unique<StubServer>(std::make_unique<GdbStub>(std::move(snapshot)));
  } catch (const std::exception& e) {
    return e.what();
  }
  std::string url = fmt::format("fd://{}", own->server_->take_client_fd());
  lldb::SBError error;
  lldb::SBListener listener = debugger.GetListener();
  lldb::SBProcess process = target.ConnectRemote(listener, url.c_str(), "gdb-remote", error);
  if (!process.IsValid() || error.Fail())
    return fmt::format("cannot read process {}: {}", options.pid,
                       error.GetCString() ? error.GetCString() : "the stub did not answer");
  // The stop reaches the public state through the listener's event (as "process connect"
  // waits for it).
  for (int second = 0; second < 30 && process.GetState() != lldb::eStateStopped; ++second) {
    lldb::SBEvent event;
    if (listener.WaitForEvent(1, event) && lldb::SBProcess::EventIsProcessEvent(event)) {
      lldb::StateType state = lldb::SBProcess::GetStateFromEvent(event);
      if (state == lldb::eStateExited || state == lldb::eStateDetached) break;
    }
  }
  if (process.GetState() != lldb::eStateStopped)
    return fmt::format("cannot read process {}: LLDB sees it {}", options.pid,
                       lldb::SBDebugger::StateAsCString(process.GetState()));
  process.SetSelectedThreadByID(selected_tid);
  if (selected_frame > 0) {
    lldb::SBThread thread = process.GetSelectedThread();
    if (selected_frame >= thread.GetNumFrames())
      return fmt::format("selected_frame {} is past the {} frames of thread {}", selected_frame,
                         thread.GetNumFrames(), selected_tid);
    thread.SetSelectedFrame(selected_frame);
  }
  session = std::move(own);
  return {};
}

}  // namespace heapwalk::plugin::no_attach
