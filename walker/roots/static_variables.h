// Typed roots that LLDB's global-variable lookup leaves out: function-local statics (found
// through their `_ZZ…` data symbols, typed through the function's blocks) and thread_local
// variables (their offset is their TLS symbol's value; each live thread's block is found
// through ld.so's data, see threads.h).
#pragma once

#include <string>
#include <vector>

#include <lldb/API/SBTarget.h>

#include "walker/roots/roots.h"

namespace heapwalk::walker {

class MemoryImage;

std::vector<Root> function_statics(lldb::SBTarget& target);

// Empty when ld.so's data cannot be read (then the TLS blocks are still scanned conservatively).
std::vector<Root> thread_locals(lldb::SBTarget& target, const MemoryImage& memory,
                                const std::string& glibc_version);

}  // namespace heapwalk::walker
