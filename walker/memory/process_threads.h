// What the kernel says of a local process's threads (/proc/PID/task): their ids and states.
// Reads only. The debugger's idea of the process can be stale (LLDB 16 still says "stopped"
// after a synchronous detach); the kernel's is not.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace heapwalk::walker {

// Thread ids in /proc/PID/task's order; empty if the process is gone.
std::vector<uint64_t> task_ids(uint64_t pid);

// The state letter of /proc/PID/task/TID/stat ('R', 'S', 't', 'T', …); 0 if unreadable.
char thread_state(uint64_t pid, uint64_t tid);

// Empty when every thread of the local process `pid` is stopped ('t' tracing stop, 'T' job
// control stop; or gone: 'Z', 'X') or the process cannot be seen; else the first thread that
// is not, as "thread TID (state X)".
std::string running_thread(uint64_t pid);

}  // namespace heapwalk::walker
