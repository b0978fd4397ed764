// Chooses the fastest faithful MemoryImage for what the debugger holds.
#pragma once

#include <memory>
#include <string>

#include <lldb/API/SBProcess.h>

#include "walker/memory/memory_image.h"

namespace heapwalk::walker {

// A core: its file mapped (the path given, or the core file LLDB itself has mapped, found in
// /proc/self/maps and checked against LLDB's reads). A local live process: /proc/PID/mem.
// Otherwise SBProcess::ReadMemory. Throws std::runtime_error when there is no process.
std::unique_ptr<MemoryImage> open_target_memory(lldb::SBProcess& process,
                                                const std::string& core_path = {});

bool is_core(lldb::SBProcess& process);

// The core file a core process was loaded from: `given` when not empty, else the core LLDB has
// mapped (as open_target_memory finds it); empty when it cannot be told.
std::string core_file_of(lldb::SBProcess& process, const std::string& given = {});

}  // namespace heapwalk::walker
