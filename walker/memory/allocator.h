// Which allocator the target's `malloc` is: heapwalk reads glibc's heaps only, so a program
// whose malloc is jemalloc, tcmalloc, mimalloc… (linked or LD_PRELOADed) is refused up front,
// as is a static program (no libc.so.6 whose malloc structures could be found).
#pragma once

#include <string>

#include <lldb/API/SBTarget.h>

namespace heapwalk::walker {

struct MallocProvider {
  std::string module;     // file name of the module that defines the `malloc` calls bind to
  std::string allocator;  // "glibc", "jemalloc", "tcmalloc", … ; "" for the program's own
                          // malloc of no known allocator (a wrapper forwarding to glibc)
};

// The module the dynamic linker binds `malloc` to: the first in search order (the executable,
// LD_PRELOADs, the libraries it needs; libc.so.6, everyone's dependency, last) that defines a
// global `malloc`, and the allocator it belongs to: by its name, or by another allocator's own
// entry points it defines (`mallctl`, `tc_malloc`, `mi_malloc`…). Reads only the modules'
// symbol tables, never the target's memory.
MallocProvider malloc_provider(lldb::SBTarget& target);

// Why heapwalk cannot read this target's malloc, in one line; empty when it can:
// "this process allocates with jemalloc (libjemalloc.so.2): heapwalk reads glibc malloc heaps",
// "… is statically linked: …".
std::string unsupported_allocator(lldb::SBTarget& target);

}  // namespace heapwalk::walker
