// Root resolution is the one place in walker/ that touches SBValue: once per root, to turn a
// name into an address and a type. The walk itself never does.
#include "walker/roots/roots.h"

#include <stdexcept>

#include <fmt/format.h>
#include <lldb/API/SBAddress.h>
#include <lldb/API/SBError.h>
#include <lldb/API/SBFileSpec.h>
#include <lldb/API/SBModule.h>
#include <lldb/API/SBSection.h>
#include <lldb/API/SBSymbol.h>
#include <lldb/API/SBValue.h>
#include <lldb/API/SBValueList.h>

#include "walker/memory/symbols.h"
#include "walker/roots/static_variables.h"
#include "typeinfo/member_lookup.h"

namespace heapwalk::walker {
namespace {

// Load-address ranges of the C library's and the loader's sections. (An SBValue of a global
// from separate debug info does not always resolve back to its module, so compare addresses.)
std::vector<std::pair<uint64_t, uint64_t>> system_runtime_ranges(lldb::SBTarget& target) {
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (uint32_t m = 0; m < target.GetNumModules(); ++m) {
    lldb::SBModule module = target.GetModuleAtIndex(m);
    if (!is_system_runtime(module)) continue;
    for (uint32_t s = 0; s < module.GetNumSections(); ++s) {
      lldb::SBSection section = module.GetSectionAtIndex(s);
      uint64_t start = section.GetLoadAddress(target);
      if (start != LLDB_INVALID_ADDRESS) ranges.push_back({start, start + section.GetByteSize()});
    }
  }
  return ranges;
}

// The path is followed with dynamic types (so `model->derived_member` works through a Base*),
// but the root is the static value at its end: a dynamic pointer value's "address" is its
// pointee's, and its type the pointee's dynamic type.
lldb::SBValue lookup(lldb::SBTarget& target, lldb::SBFrame& frame, const std::string& expr) {
  if (frame.IsValid()) {
    lldb::SBValue v = frame.GetValueForVariablePath(expr.c_str());
    if (v.IsValid() && v.GetError().Success()) return v.GetStaticValue();
  }
  // `*path`: what the path points to (as C reads it, *sim->grid is *(sim->grid)).
  if (expr.starts_with("*")) {
    lldb::SBValue pointer = lookup(target, frame, expr.substr(1));
    return pointer.IsValid() ? pointer.Dereference().GetStaticValue() : pointer;
  }
  // A global, then the rest of the path from it: `sim->sheets`, `sim.field`, `arr[2]`.
  size_t end = expr.find_first_of("-.[");
  std::string name = expr.substr(0, end);
  lldb::SBValue global = target.FindFirstGlobalVariable(name.c_str());
  if (!global.IsValid() || end == std::string::npos) return global.GetStaticValue();
  return global.GetValueForExpressionPath(expr.substr(end).c_str()).GetStaticValue();
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
  return make_root(target, expr, address, value.GetType());
}

Root make_root(lldb::SBTarget& target, std::string label, uint64_t address, lldb::SBType type) {
  Root root{std::move(label), address, typeinfo::complete_type(target, type)};
  lldb::SBType t = typeinfo::plain(root.type);
  bool is_class = t.GetTypeClass() == lldb::eTypeClassClass || t.GetTypeClass() == lldb::eTypeClassStruct;
  if (is_class && !t.IsTypeComplete()) {
    lldb::SBSymbol symbol = target.ResolveLoadAddress(address).GetSymbol();
    uint64_t start = symbol.GetStartAddress().GetLoadAddress(target);
    uint64_t end = symbol.GetEndAddress().GetLoadAddress(target);
    if (symbol.IsValid() && start == address && end != LLDB_INVALID_ADDRESS && end > start)
      root.opaque_bytes = end - start;
  }
  return root;
}

std::vector<Root> global_roots(lldb::SBTarget& target) {
  std::vector<Root> roots;
  auto excluded = system_runtime_ranges(target);
  auto is_excluded = [&](uint64_t address) {
    for (auto [start, end] : excluded)
      if (address >= start && address < end) return true;
    return false;
  };
  lldb::SBValueList globals = target.FindGlobalVariables(".", UINT32_MAX, lldb::eMatchTypeRegex);
  for (uint32_t i = 0; i < globals.GetSize(); ++i) {
    lldb::SBValue v = globals.GetValueAtIndex(i).GetStaticValue();
    uint64_t address = v.GetLoadAddress();
    if (address == LLDB_INVALID_ADDRESS) continue;  // thread-local (see tls_roots) or optimized out
    if (is_excluded(address)) continue;
    std::string_view name = v.GetName() ? v.GetName() : "<global>";
    if (name.starts_with("::")) name.remove_prefix(2);
    roots.push_back(make_root(target, std::string(name), address, v.GetType()));
  }
  return roots;
}

std::vector<Root> static_roots(lldb::SBTarget& target, const MemoryImage& memory,
                               const std::string& glibc_version) {
  std::vector<Root> roots = global_roots(target);
  for (Root& r : function_statics(target)) roots.push_back(std::move(r));
  for (Root& r : thread_locals(target, memory, glibc_version)) roots.push_back(std::move(r));
  return roots;
}

}  // namespace heapwalk::walker
