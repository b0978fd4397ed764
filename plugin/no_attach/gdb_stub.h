// A read-only gdb-remote stub over a stopped process heapwalk does not attach to: it answers
// LLDB's queries (threads, registers, memory, regions, auxv) from /proc and the threads file,
// and refuses every packet that would write, resume, break, allocate or run. It holds no ptrace
// and only a read-only memory image, so it cannot change the target (docs/no-attach.md).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "plugin/no_attach/proc_files.h"
#include "plugin/no_attach/thread_file.h"
#include "walker/memory/memory_image.h"

namespace heapwalk::plugin::no_attach {

struct TargetSnapshot {
  uint64_t pid = 0;
  ProcessIds ids;
  std::vector<ThreadState> threads;  // in the order LLDB numbers them
  size_t selected = 0;               // index into threads: the front end's selected thread
  std::vector<MapEntry> maps;
  std::string auxv;
  std::shared_ptr<const walker::MemoryImage> memory;
};

class GdbStub {
 public:
  explicit GdbStub(TargetSnapshot target) : target_(std::move(target)) {}
  // The reply payload to one packet's payload ("" is "unsupported").
  std::string answer(const std::string& packet);
  bool no_ack() const { return no_ack_; }
  bool detached() const { return detached_; }
  // Packets refused because they would change the target or run code in it.
  uint64_t refused() const { return refused_; }

 private:
  std::string stop_reply(size_t thread) const;
  const ThreadState* thread_of(const std::string& packet, size_t& index) const;
  std::string read_register(const std::string& packet) const;
  std::string read_registers(const std::string& packet) const;
  std::string read_memory(const std::string& packet, bool binary) const;
  std::string region_info(const std::string& packet) const;
  std::string read_auxv(const std::string& packet) const;

  TargetSnapshot target_;
  size_t current_ = SIZE_MAX;  // Hg's thread; SIZE_MAX: the first one (the stop's)
  bool no_ack_ = false, detached_ = false;
  uint64_t refused_ = 0;
};

// Whether `packet` asks to change the target or run code in it (the stub answers "E01").
bool is_refused_packet(const std::string& packet);

}  // namespace heapwalk::plugin::no_attach
