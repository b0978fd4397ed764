// What /proc tells about a process heapwalk does not attach to: its threads and their states,
// mappings, auxiliary vector, executable. Reads only; never ptrace.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "walker/memory/process_threads.h"

namespace heapwalk::plugin::no_attach {

bool process_exists(uint64_t pid);

// Thread ids and their states: walker/memory/process_threads.h.
using walker::task_ids;
using walker::thread_state;
// /proc/PID/task/TID/comm without its newline; empty if unreadable.
std::string thread_name(uint64_t pid, uint64_t tid);

struct StackAndPc {
  uint64_t sp = 0, pc = 0;
};
// The user stack pointer and pc of a blocked thread, from /proc/PID/task/TID/syscall
// ("NR ARGS… SP PC" or "-1 SP PC"); nullopt when "running" or unreadable.
std::optional<StackAndPc> syscall_stack_and_pc(uint64_t pid, uint64_t tid);
// One line of that file, parsed (for tests).
std::optional<StackAndPc> parse_syscall_line(const std::string& line);

struct MapEntry {
  uint64_t start = 0, end = 0;
  bool read = false, write = false, exec = false;
  std::string name;  // path, "[heap]", "[stack]", … ; empty for anonymous memory
};
// /proc/PID/maps, in its order (sorted by address).
std::vector<MapEntry> read_maps(uint64_t pid);
std::optional<MapEntry> parse_maps_line(const std::string& line);

// /proc/PID/auxv as bytes; empty if unreadable.
std::string read_auxv(uint64_t pid);
// The target of /proc/PID/exe; empty if unreadable.
std::string executable_path(uint64_t pid);
// The parent pid and the real and effective ids from /proc/PID/status (0 when unknown).
struct ProcessIds {
  uint64_t ppid = 0, uid = 0, gid = 0, euid = 0, egid = 0;
};
ProcessIds process_ids(uint64_t pid);

}  // namespace heapwalk::plugin::no_attach
