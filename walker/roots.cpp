// Root resolution is the one place in walker/ that touches SBValue: once per root, to turn a
// name into an address and a type. The walk itself never does.
#include "walker/roots.h"

#include <stdexcept>

#include <fmt/format.h>
#include <lldb/API/SBAddress.h>
#include <lldb/API/SBError.h>
#include <lldb/API/SBFileSpec.h>
#include <lldb/API/SBModule.h>
#include <lldb/API/SBValue.h>
#include <lldb/API/SBValueList.h>

namespace heapwalk::walker {
namespace {

bool is_system_runtime(lldb::SBModule module) {
  const char* file = module.GetFileSpec().GetFilename();
  if (!file) return false;
  std::string_view name = file;
  return name.starts_with("libc.so") || name.starts_with("ld-linux") || name.starts_with("libc-");
}

lldb::SBValue lookup(lldb::SBTarget& target, lldb::SBFrame& frame, const std::string& expr) {
  if (frame.IsValid()) {
    lldb::SBValue v = frame.GetValueForVariablePath(expr.c_str());
    if (v.IsValid() && v.GetError().Success()) return v;
  }
  // A global, then the rest of the path from it: `sim->sheets`, `sim.field`, `arr[2]`.
  size_t end = expr.find_first_of("-.[");
  std::string name = expr.substr(0, end);
  lldb::SBValue global = target.FindFirstGlobalVariable(name.c_str());
  if (!global.IsValid() || end == std::string::npos) return global;
  return global.GetValueForExpressionPath(expr.substr(end).c_str());
}

}  // namespace

Root resolve_root(lldb::SBTarget& target, lldb::SBFrame frame, const std::string& expr) {
  lldb::SBValue value = lookup(target, frame, expr);
  if (!value.IsValid() || value.GetError().Fail())
    throw std::runtime_error(fmt::format(
        "no variable '{}' in the selected frame or among the globals (is there debug info?)", expr));
  uint64_t address = value.GetLoadAddress();
  if (address == LLDB_INVALID_ADDRESS)
    throw std::runtime_error(
        fmt::format("'{}' is not in memory (a register or a temporary): name a variable", expr));
  return Root{expr, address, value.GetType()};
}

std::vector<Root> global_roots(lldb::SBTarget& target) {
  std::vector<Root> roots;
  lldb::SBValueList globals = target.FindGlobalVariables(".", UINT32_MAX, lldb::eMatchTypeRegex);
  for (uint32_t i = 0; i < globals.GetSize(); ++i) {
    lldb::SBValue v = globals.GetValueAtIndex(i);
    if (is_system_runtime(v.GetAddress().GetModule())) continue;
    uint64_t address = v.GetLoadAddress();
    if (address == LLDB_INVALID_ADDRESS) continue;  // thread-local or optimized out
    const char* name = v.GetName();
    roots.push_back(Root{name ? name : "<global>", address, v.GetType()});
  }
  return roots;
}

}  // namespace heapwalk::walker
