// The memory glibc keeps for each thread outside its stack frames, found from ld.so's thread
// lists (threads.h): the thread's struct pthread (its TCB: the thread pointer points at it), its
// static TLS blocks just below it, and its DTV (dynamic thread vector), a calloc'd array that
// holds every TLS block of the thread, the dynamic ones (modules loaded by dlopen) malloc'd.
//
// On x86-64 glibc places them so (TLS_TCB_AT_TP):
//   [pd - (_dl_tls_static_size - sizeof(struct pthread)), pd)   static TLS (every module's)
//   [pd, pd + sizeof(struct pthread))                            struct pthread, tcbhead_t first
// and tcbhead_t.dtv (word 1) points at dtv[0] (the generation); dtv[-1] holds the number of
// module slots, dtv[1..n] = {val, to_free}, 16 bytes each. The calloc'd block runs from dtv[-1]
// to dtv[n]. A thread created by pthread_create keeps all of this at the top of its stack
// mapping; the main thread's lies in memory ld.so allocated before malloc existed (its first
// DTV is no heap chunk at all). Threads that exited keep theirs while glibc caches their stack
// (_dl_stack_cache) or until they are joined (_dl_stack_used).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "walker/memory/memory_image.h"
#include "walker/roots/threads.h"

namespace heapwalk::walker {

struct ThreadMemory {
  ThreadDescriptor descriptor;
  uint64_t static_tls_begin = 0;  // == descriptor.address when _dl_tls_static_size is unknown
  uint64_t pthread_end = 0;       // descriptor.address + sizeof(struct pthread), within memory
  uint64_t dtv_begin = 0, dtv_end = 0;  // the DTV's block; both 0 when it cannot be read
};

// One entry per descriptor of `view` whose struct pthread lies in readable memory, bounded by
// the memory that exists (a DTV with more than 65536 slots, or that leaves its region, is
// dropped).
std::vector<ThreadMemory> thread_memory(const LoaderView& view, const MemoryImage& memory);

// What to call the pieces of a thread that LLDB does not list (it exited): "cached stack of an
// exited thread (struct pthread 0x7ffff7a006c0)" or "exited thread, not joined yet (struct
// pthread 0x…)"; the kernel has cleared the thread id of both, so the descriptor's address
// names them. Live threads are named by LLDB's index ("thread #3") instead.
std::string exited_thread_name(const ThreadDescriptor& descriptor);

}  // namespace heapwalk::walker
