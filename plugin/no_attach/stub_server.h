// The stub's connection: a thread answering LLDB's packets on one end of a socketpair, the
// other end handed to LLDB as "fd://N" (SBTarget::ConnectRemote, plugin gdb-remote).
#pragma once

#include <memory>
#include <thread>

#include "plugin/no_attach/gdb_stub.h"

namespace heapwalk::plugin::no_attach {

class StubServer {
 public:
  // Starts serving `stub`; throws std::runtime_error if the socketpair cannot be made.
  explicit StubServer(std::unique_ptr<GdbStub> stub);
  ~StubServer();  // closes its end and joins (LLDB's end then reads EOF)
  StubServer(const StubServer&) = delete;
  StubServer& operator=(const StubServer&) = delete;

  // LLDB's end, to connect as "fd://N"; LLDB owns it once connected (-1 after take).
  int take_client_fd();
  uint64_t refused() const { return stub_->refused(); }

 private:
  void serve();

  std::unique_ptr<GdbStub> stub_;
  int server_fd_ = -1, client_fd_ = -1, wake_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace heapwalk::plugin::no_attach
