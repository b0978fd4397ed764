// Every mapping of the process, mapped or not dumped, and what backs it: the ledger's universe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <lldb/API/SBProcess.h>

#include "walker/memory/memory_image.h"

namespace heapwalk::walker {

struct Mapping {
  uint64_t start = 0, end = 0;
  bool file_backed = false;
  bool writable = false;
  std::string name;  // file path, "[heap]", "[stack]"; empty when unknown

  uint64_t size() const { return end - start; }
};

struct ProcessMappings {
  std::vector<Mapping> mappings;  // sorted, not overlapping
  std::optional<uint64_t> rss;    // live local process: VmRSS
  std::optional<uint64_t> core_bytes;  // core: what the file holds (sum of p_filesz)
  std::string source;             // "/proc/PID/maps", "core PT_LOAD + NT_FILE", "LLDB regions"
  std::vector<uint64_t> stack_pointers;  // each thread's, in the debugger's thread order

  // Whether [start, end) holds a thread's stack pointer (the ledger's `stacks`).
  bool holds_stack(uint64_t start, uint64_t end) const {
    for (uint64_t sp : stack_pointers)
      if (sp >= start && sp < end) return true;
    return false;
  }
};

// From /proc/PID/maps for a local process, from the core's headers for a core, else LLDB; the
// stack pointers from the debugger's threads (frame 0).
ProcessMappings process_mappings(lldb::SBProcess& process, const MemoryImage& memory);

}  // namespace heapwalk::walker
