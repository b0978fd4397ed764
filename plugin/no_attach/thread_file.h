// The threads file a front end (the gdb script) writes for --no-attach --threads FILE:
//   {"threads":[{"tid":1234,"name":"fixture_sim","registers":{"rax":"0x0",…,"gs_base":"0x0"}}],
//    "selected_tid":1234,"selected_frame":0}
// Thread order is the front end's; registers are hex strings (docs/no-attach.md).
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plugin/no_attach/register_table.h"

namespace heapwalk::plugin::no_attach {

struct ThreadState {
  uint64_t tid = 0;
  std::string name;
  RegisterValues registers{};
  std::bitset<kRegisterCount> known;  // registers the file (or /proc) gave
};

struct ThreadsFile {
  std::vector<ThreadState> threads;
  std::optional<uint64_t> selected_tid;
  uint32_t selected_frame = 0;
};

// Throws std::runtime_error with one line saying what is wrong (without the file's name).
ThreadsFile parse_threads_json(const std::string& text);
// Reads and parses `path`; the error names the file.
ThreadsFile read_threads_file(const std::string& path);

}  // namespace heapwalk::plugin::no_attach
