// Chooses the fastest faithful MemoryImage for what the debugger holds.
#pragma once

#include <memory>
#include <string>

#include <lldb/API/SBProcess.h>

#include "walker/memory/memory_image.h"

namespace heapwalk::walker {

// A core: its file mapped (the path given, or the core file LLDB itself has mapped, found in
// /proc/self/maps and checked against LLDB's reads). A local live process: the /proc/PID/mem
// descriptor registered for its pid (use_process_memory_fd) if there is one, else
// /proc/PID/mem opened here. Otherwise SBProcess::ReadMemory. Throws std::runtime_error when
// there is no process.
std::unique_ptr<MemoryImage> open_target_memory(lldb::SBProcess& process,
                                                const std::string& core_path = {});

bool is_core(lldb::SBProcess& process);

// From now on the memory of live process `pid` is read through `fd`, an open /proc/PID/mem
// (heapwalk --no-attach: the descriptor a tracer such as gdb opened and passed, or one opened
// once by the CLI), never by opening /proc/PID/mem again. The caller keeps `fd` open; images
// read a duplicate of it. -1 forgets the pid.
void use_process_memory_fd(uint64_t pid, int fd);
// The descriptor registered for `pid`, or -1.
int process_memory_fd(uint64_t pid);

// The core file a core process was loaded from: `given` when not empty, else the core LLDB has
// mapped (as open_target_memory finds it); empty when it cannot be told.
std::string core_file_of(lldb::SBProcess& process, const std::string& given = {});

}  // namespace heapwalk::walker
