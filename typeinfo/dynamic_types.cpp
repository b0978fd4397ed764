#include "typeinfo/dynamic_types.h"

#include <string_view>

#include <lldb/API/SBAddress.h>
#include <lldb/API/SBCompileUnit.h>
#include <lldb/API/SBSymbol.h>
#include <lldb/API/SBTypeEnumMember.h>

#include "typeinfo/member_lookup.h"

namespace heapwalk::typeinfo {

const DynamicType* DynamicTypes::resolve(uint64_t vptr) {
  auto it = cache_.find(vptr);
  if (it == cache_.end()) it = cache_.emplace(vptr, lookup(vptr)).first;
  return it->second ? &*it->second : nullptr;
}

std::optional<DynamicType> DynamicTypes::lookup(uint64_t vptr) {
  lldb::SBTarget& target = registry_.target();
  lldb::SBSymbol symbol = target.ResolveLoadAddress(vptr).GetSymbol();
  if (!symbol.IsValid() || !symbol.GetName()) return std::nullopt;
  constexpr std::string_view kPrefix = "vtable for ";
  std::string_view demangled = symbol.GetName();
  if (!demangled.starts_with(kPrefix)) return std::nullopt;
  std::string class_name(demangled.substr(kPrefix.size()));
  lldb::SBType type = find_class(class_name, vptr);
  if (!type.IsValid()) return std::nullopt;
  auto offset_to_top = read_(vptr - 16);
  if (!offset_to_top) return std::nullopt;
  return DynamicType{registry_.intern(type), static_cast<int64_t>(*offset_to_top)};
}

// Names are ambiguous (anonymous namespaces, ODR-violating duplicates); the compile unit that
// defines the first virtual function settles it.
lldb::SBType DynamicTypes::find_class(const std::string& name, uint64_t vptr) {
  lldb::SBTarget& target = registry_.target();
  auto matches = [&](lldb::SBType t) {
    t = plain(t);
    return t.IsValid() && t.IsTypeComplete() && t.GetName() && name == t.GetName();
  };
  if (auto first_function = read_(vptr)) {
    lldb::SBCompileUnit unit = target.ResolveLoadAddress(*first_function).GetCompileUnit();
    if (unit.IsValid()) {
      lldb::SBTypeList types = unit.GetTypes(lldb::eTypeClassClass | lldb::eTypeClassStruct);
      for (uint32_t i = 0; i < types.GetSize(); ++i)
        if (matches(types.GetTypeAtIndex(i))) return plain(types.GetTypeAtIndex(i));
    }
  }
  lldb::SBTypeList types = target.FindTypes(name.c_str());
  for (uint32_t i = 0; i < types.GetSize(); ++i)
    if (matches(types.GetTypeAtIndex(i))) return plain(types.GetTypeAtIndex(i));
  return {};
}

}  // namespace heapwalk::typeinfo
