#include "typeinfo/dynamic_types.h"

#include <algorithm>
#include <string_view>

#include <lldb/API/SBAddress.h>
#include <lldb/API/SBCompileUnit.h>
#include <lldb/API/SBModule.h>
#include <lldb/API/SBSymbol.h>
#include <lldb/API/SBTypeEnumMember.h>

#include "typeinfo/member_lookup.h"
#include "typeinfo/symbol_types.h"
#include "typeinfo/type_names.h"

namespace heapwalk::typeinfo {

const DynamicType* DynamicTypes::resolve(uint64_t vptr) {
  // Most words asked about are not vptrs (the first word of a float buffer): a binary search of
  // the vtable symbols rejects them without growing the cache.
  if (!vtable_containing(vptr)) return nullptr;
  auto it = cache_.find(vptr);
  if (it == cache_.end()) it = cache_.emplace(vptr, lookup(vptr)).first;
  return it->second ? &*it->second : nullptr;
}

const std::string* DynamicTypes::vtable_class(uint64_t vptr) {
  const std::string* name = vtable_containing(vptr);
  if (!name || vptr < 16 || vtable_containing(vptr - 16) != name) return nullptr;
  auto offset_to_top = read_(vptr - 16), typeinfo = read_(vptr - 8);
  return offset_to_top && *offset_to_top == 0 && typeinfo && *typeinfo ? name : nullptr;
}

const std::string* DynamicTypes::vtable_containing(uint64_t address) {
  if (!vtables_indexed_) {
    vtables_indexed_ = true;
    constexpr std::string_view kPrefix = "vtable for ";
    lldb::SBTarget& target = registry_.target();
    for (uint32_t m = 0; m < target.GetNumModules(); ++m) {
      lldb::SBModule module = target.GetModuleAtIndex(m);
      for (size_t i = 0; i < module.GetNumSymbols(); ++i) {
        lldb::SBSymbol symbol = module.GetSymbolAtIndex(i);
        const char* name = symbol.GetName();
        if (!name || !std::string_view(name).starts_with(kPrefix)) continue;
        uint64_t start = symbol.GetStartAddress().GetLoadAddress(target);
        uint64_t end = symbol.GetEndAddress().GetLoadAddress(target);
        if (start == LLDB_INVALID_ADDRESS || end == LLDB_INVALID_ADDRESS || end <= start) continue;
        vtables_.push_back({start, end, std::string(name + kPrefix.size())});
      }
    }
    std::sort(vtables_.begin(), vtables_.end(),
              [](const VtableSymbol& a, const VtableSymbol& b) { return a.start < b.start; });
  }
  auto it = std::upper_bound(vtables_.begin(), vtables_.end(), address,
                             [](uint64_t a, const VtableSymbol& v) { return a < v.start; });
  if (it == vtables_.begin()) return nullptr;
  --it;
  return address < it->end ? &it->class_name : nullptr;
}

std::optional<DynamicType> DynamicTypes::lookup(uint64_t vptr) {
  const std::string* class_name = vtable_containing(vptr);
  if (!class_name) return std::nullopt;
  lldb::SBType type = find_class(*class_name, vptr);
  if (!type.IsValid()) return std::nullopt;
  auto offset_to_top = read_(vptr - 16);
  if (!offset_to_top) return std::nullopt;
  return DynamicType{registry_.intern(type), static_cast<int64_t>(*offset_to_top)};
}

// Names are ambiguous (anonymous namespaces, ODR-violating duplicates); the compile unit that
// defines one of its virtual functions settles it. The demangled vtable name and DWARF's type
// name spell templates differently, so they are compared loosely.
lldb::SBType DynamicTypes::find_class(const std::string& name, uint64_t vptr) {
  lldb::SBTarget& target = registry_.target();
  auto same = [&](std::string_view candidate) { return same_type_name(name, candidate); };
  // An inherited virtual function lives in its base's unit: try the first few slots.
  constexpr int kSlotsTried = 8;
  for (int slot = 0; slot < kSlotsTried; ++slot) {
    auto function = read_(vptr + 8 * slot);
    if (!function || !*function) break;
    lldb::SBCompileUnit unit = target.ResolveLoadAddress(*function).GetCompileUnit();
    if (!unit.IsValid()) break;  // not code with debug info: past the vtable's functions
    auto found = unit_classes(unit, same);
    if (!found.empty()) return found.front();
  }
  lldb::SBTypeList types = target.FindTypes(name.c_str());
  for (uint32_t i = 0; i < types.GetSize(); ++i) {
    lldb::SBType t = plain(types.GetTypeAtIndex(i));
    if (t.IsValid() && t.IsTypeComplete() && t.GetName() && same(t.GetName())) return t;
  }
  return {};
}

}  // namespace heapwalk::typeinfo
