// heapwalk --pid PID --no-attach: a stopped process that another tool (gdb) holds under ptrace,
// analyzed without attaching, without writing to it and without running code in it. LLDB gets
// a real process through the read-only stub (gdb_stub.h) connected over a socketpair, so every
// heap command works unchanged; memory is read from /proc/PID/mem (or the descriptor passed).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <lldb/API/LLDB.h>

namespace heapwalk::plugin::no_attach {

struct NoAttachOptions {
  uint64_t pid = 0;
  int mem_fd = -1;           // --mem-fd FD: an open /proc/PID/mem; -1: open it here
  std::string threads_file;  // --threads FILE (thread_file.h); empty: /proc's sp and pc only
};

class StubServer;

// What keeps the no-attach process alive: the stub's thread and the memory descriptor.
class NoAttachSession {
 public:
  NoAttachSession();
  ~NoAttachSession();  // stops the stub, forgets the descriptor
  NoAttachSession(const NoAttachSession&) = delete;
  NoAttachSession& operator=(const NoAttachSession&) = delete;

 private:
  friend std::string connect_no_attach(lldb::SBDebugger&, const NoAttachOptions&, lldb::SBTarget&,
                                       std::unique_ptr<NoAttachSession>&);
  std::unique_ptr<StubServer> server_;
  uint64_t pid_ = 0;
  int fd_ = -1;
  bool own_fd_ = false;
};

// Checks the process (exists, every thread stopped), reads its threads, opens its memory,
// starts the stub and connects LLDB to it, selecting the threads file's thread and frame.
// Returns an error line (empty on success); warnings go to stderr.
std::string connect_no_attach(lldb::SBDebugger& debugger, const NoAttachOptions& options,
                              lldb::SBTarget& target, std::unique_ptr<NoAttachSession>& session);

// The refusal for a process some of whose threads run ("" when all are stopped or traced),
// and for a pid that is no process.
std::string not_stopped_refusal(uint64_t pid);

}  // namespace heapwalk::plugin::no_attach
