// Threads and their static TLS as glibc and ld.so keep them in memory. LLDB 16 gives neither
// the thread pointer (no fs_base) nor TLS variables, so they are read where the C library keeps
// them: every thread's struct pthread (its address is the thread pointer) is on one of ld.so's
// lists, and every module's static TLS block sits l_tls_offset bytes below the thread pointer.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <lldb/API/SBTarget.h>

#include "walker/memory/memory_image.h"
#include "walker/roots/loader_layout.h"

namespace heapwalk::walker {

struct ThreadDescriptor {
  enum class List { kUser, kUsed, kCache };  // _dl_stack_user, _dl_stack_used, _dl_stack_cache
  uint64_t address = 0;  // the struct pthread, i.e. the thread pointer
  // The kernel's thread id; 0 once the thread has exited (the kernel clears it then, which is
  // how pthread_join waits), so always 0 on _dl_stack_cache.
  uint64_t tid = 0;
  List list = List::kUser;
};

struct LoaderView {
  // Every descriptor on the three lists, each once, in list order; a descriptor whose
  // tcbhead_t.self does not point at itself is left out.
  std::vector<ThreadDescriptor> threads;
  // Base name of each loaded module ("libc.so.6", "" for the main program) → l_tls_offset.
  std::map<std::string, int64_t> static_tls_offset;
  uint64_t pthread_size = 0;     // sizeof(struct pthread) (TLS_TCB_SIZE)
  uint64_t tls_static_size = 0;  // _dl_tls_static_size: static TLS below the TCB, plus the TCB
  bool builtin_layout = false;   // some offsets came from loader_layout.h's table
};

// Throws LoaderDataMissing when ld.so's globals are not found, or their layout is known neither
// from debug info nor from the built-in table.
LoaderView read_loader(lldb::SBTarget& target, const MemoryImage& memory,
                       const std::string& glibc_version);

}  // namespace heapwalk::walker
