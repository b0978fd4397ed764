// Threads and their static TLS as glibc and ld.so keep them in memory. LLDB 16 gives neither
// the thread pointer (no fs_base) nor TLS variables, so they are read where the C library keeps
// them: every thread's struct pthread (its address is the thread pointer) is on one of ld.so's
// lists, and every module's static TLS block sits l_tls_offset bytes below the thread pointer.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <lldb/API/SBTarget.h>

#include "walker/memory/memory_image.h"

namespace heapwalk::walker {

// A piece of glibc's or ld.so's bookkeeping that cannot be found; what() says which, in a line.
struct LoaderDataMissing : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ThreadDescriptor {
  enum class List { kUser, kUsed, kCache };  // _dl_stack_user, _dl_stack_used, _dl_stack_cache
  uint64_t address = 0;  // the struct pthread, i.e. the thread pointer
  uint64_t tid = 0;      // 0 in a cached (exited) thread's descriptor
  List list = List::kUser;
};

struct LoaderView {
  std::vector<ThreadDescriptor> threads;
  // Base name of each loaded module ("libc.so.6", "" for the main program) → l_tls_offset.
  std::map<std::string, int64_t> static_tls_offset;
  uint64_t pthread_size = 0;  // sizeof(struct pthread) when known, else 0
};

// Throws LoaderDataMissing when ld.so's globals or their types are not found.
LoaderView read_loader(lldb::SBTarget& target, const MemoryImage& memory,
                       const std::string& glibc_version);

}  // namespace heapwalk::walker
