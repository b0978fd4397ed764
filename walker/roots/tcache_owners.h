// Which thread owns each tcache: glibc keeps it in the TLS variable `tcache`, and LLDB 16 cannot
// read TLS, so this follows DESIGN.md: every struct pthread from ld.so's thread lists
// (_dl_stack_user, _dl_stack_used), libc's static TLS offset from its link_map, and `tcache`'s
// offset in libc's TLS block from libc's symbols.
#pragma once

#include <map>
#include <set>
#include <string>

#include <lldb/API/SBTarget.h>

#include "walker/malloc/malloc_heap.h"
#include "walker/memory/memory_image.h"

namespace heapwalk::walker {

// The thread whose `tcache` variable points at a tcache_perthread_struct.
struct TcacheThread {
  uint32_t index = 0;  // LLDB's thread index (thread #N); 0 when LLDB does not list the thread
  uint64_t tid = 0;    // the kernel's thread id
};

// Which thread owns which tcache. When `attributed` is false, `why_not` says in one line why no
// tcache could be given a thread, and every tcache's thread is unknown.
struct TcacheOwners {
  bool attributed = false;
  std::string why_not;
  std::map<uint64_t, TcacheThread> by_address;  // tcache struct address → thread
  // Empty "tcaches" that are zeroed objects of the program (its typed walk reaches them).
  std::set<uint64_t> program_objects;
};


// Never throws: when a piece is missing (no libc symbols, no ld.so types), the result is not
// attributed and says why in one line.
TcacheOwners find_tcache_owners(lldb::SBTarget& target, const MemoryImage& memory,
                                const MallocHeap& heap, const std::string& glibc_version);

}  // namespace heapwalk::walker
