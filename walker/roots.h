// Where walks start: a named root expression, or every global variable with debug info.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <lldb/API/SBFrame.h>
#include <lldb/API/SBTarget.h>
#include <lldb/API/SBType.h>

namespace heapwalk::walker {

struct Root {
  std::string label;  // "sim", "sim->sheets", "g_registry"
  uint64_t address = 0;
  lldb::SBType type;
};

// A global (`sim`), a path from one (`sim->sheets`, `sim->sheets["V1"]` is not supported), or a
// variable of `frame`. Reads debug info only: nothing runs in the target.
// Throws std::runtime_error with a one-line reason when EXPR names nothing in memory.
Root resolve_root(lldb::SBTarget& target, lldb::SBFrame frame, const std::string& expr);

// Every global and static variable with debug info, in every module but the C library and the
// dynamic loader, whose globals are malloc's own bookkeeping rather than the program's objects.
std::vector<Root> global_roots(lldb::SBTarget& target);

}  // namespace heapwalk::walker
