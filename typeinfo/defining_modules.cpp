#include "typeinfo/defining_modules.h"

#include <algorithm>
#include <string_view>

#include <lldb/API/SBFileSpec.h>
#include <lldb/API/SBModule.h>
#include <lldb/API/SBSymbol.h>

#include "typeinfo/type_registry.h"

namespace heapwalk::typeinfo {

namespace {

std::string module_path(lldb::SBModule module) {
  if (!module.IsValid()) return {};
  char path[4096];
  uint32_t n = module.GetFileSpec().GetPath(path, sizeof path);
  return n ? std::string(path) : std::string();
}

bool is_vtable(lldb::SBSymbol symbol) {
  if (!symbol.IsValid()) return false;
  const char* mangled = symbol.GetMangledName();
  const char* name = symbol.GetName();
  return (mangled && std::string_view(mangled).starts_with("_ZTV")) ||
         (name && std::string_view(name).starts_with("vtable for "));
}

}  // namespace

std::string DefiningModules::vtable_module(uint64_t vptr) {
  if (!vtables_indexed_) index_vtables();
  auto it = std::upper_bound(vtables_.begin(), vtables_.end(), vptr,
                             [](uint64_t a, const Vtable& v) { return a < v.start; });
  if (it == vtables_.begin() || vptr >= std::prev(it)->end) return {};
  return paths_[std::prev(it)->module];
}

// Every vtable symbol of every module, by load address (SBTarget::ResolveLoadAddress does not
// find every data symbol with LLDB 16, typeinfo/dynamic_types.h: the same index).
void DefiningModules::index_vtables() {
  vtables_indexed_ = true;
  lldb::SBTarget& target = types_.target();
  for (uint32_t m = 0; m < target.GetNumModules(); ++m) {
    lldb::SBModule module = target.GetModuleAtIndex(m);
    bool named = false;
    for (size_t i = 0; i < module.GetNumSymbols(); ++i) {
      lldb::SBSymbol symbol = module.GetSymbolAtIndex(i);
      if (!is_vtable(symbol)) continue;
      uint64_t start = symbol.GetStartAddress().GetLoadAddress(target);
      uint64_t end = symbol.GetEndAddress().GetLoadAddress(target);
      if (start == LLDB_INVALID_ADDRESS || end == LLDB_INVALID_ADDRESS || end <= start) continue;
      if (!named) {
        std::string path = module_path(module);
        if (path.empty()) break;
        paths_.push_back(std::move(path));
        named = true;
      }
      vtables_.push_back({start, end, static_cast<uint32_t>(paths_.size() - 1)});
    }
  }
  std::sort(vtables_.begin(), vtables_.end(),
            [](const Vtable& a, const Vtable& b) { return a.start < b.start; });
}

// LLDB 16's SBType::GetModule knows no module for the types values and members give, so each
// module is asked by name.
std::vector<std::string> DefiningModules::type_modules(LayoutId layout) {
  std::vector<std::string> out;
  lldb::SBType type = types_.sbtype(layout);
  const char* name = type.GetName();
  if (!name || !*name) return out;
  lldb::SBTarget& target = types_.target();
  for (uint32_t i = 0; i < target.GetNumModules(); ++i) {
    lldb::SBModule module = target.GetModuleAtIndex(i);
    lldb::SBType found = module.FindFirstType(name);
    if (!found.IsValid() || !found.IsTypeComplete()) continue;
    std::string path = module_path(module);
    if (!path.empty()) out.push_back(std::move(path));
  }
  return out;
}

}  // namespace heapwalk::typeinfo
