// Which thread owns each tcache: glibc keeps it in the TLS variable `tcache`, and LLDB 16 cannot
// read TLS, so this follows DESIGN.md: every struct pthread from ld.so's thread lists
// (_dl_stack_user, _dl_stack_used), libc's static TLS offset from its link_map, and `tcache`'s
// offset in libc's TLS block from libc's symbols.
//
// It reads a few words of the target per thread, which is walker/ work; it sits in plugin/ only
// because heap arenas is its one user so far.
#pragma once

#include <lldb/API/SBTarget.h>

#include "plugin/arenas_render.h"
#include "walker/malloc_heap.h"
#include "walker/memory_image.h"

namespace heapwalk::plugin {

// Never throws: when a piece is missing (no libc symbols, no ld.so types), the result is not
// attributed and says why in one line.
TcacheOwners find_tcache_owners(lldb::SBTarget& target, const walker::MemoryImage& memory,
                                const walker::MallocHeap& heap, const std::string& glibc_version);

}  // namespace heapwalk::plugin
