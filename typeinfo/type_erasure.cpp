#include "typeinfo/type_erasure.h"

#include <string_view>
#include <vector>

#include <lldb/API/SBAddress.h>
#include <lldb/API/SBSymbol.h>

#include "typeinfo/member_lookup.h"
#include "typeinfo/symbol_types.h"
#include "typeinfo/type_names.h"

namespace heapwalk::typeinfo {
namespace {

constexpr uint64_t kFunctionLocalSize = 16;  // std::_Function_base::_M_max_size
constexpr uint64_t kFunctionLocalAlign = 8;

// What __is_location_invariant (trivially copyable) says, from DWARF: only scalars, pointers
// and references, recursively. A wrong guess costs nothing: the bytes are also scanned.
bool trivially_copyable(lldb::SBType type, int depth = 0) {
  type = plain(type);
  switch (type.GetTypeClass()) {
    case lldb::eTypeClassClass:
    case lldb::eTypeClassStruct:
      if (depth > 8 || type.IsPolymorphicClass()) return false;
      for (uint32_t i = 0; i < type.GetNumberOfFields(); ++i)
        if (!trivially_copyable(type.GetFieldAtIndex(i).GetType(), depth + 1)) return false;
      for (uint32_t i = 0; i < type.GetNumberOfDirectBaseClasses(); ++i)
        if (!trivially_copyable(type.GetDirectBaseClassAtIndex(i).GetType(), depth + 1))
          return false;
      return true;
    case lldb::eTypeClassArray:
      return trivially_copyable(type.GetArrayElementType(), depth + 1);
    case lldb::eTypeClassUnion:
      return false;
    default:
      return true;
  }
}

bool unnamed_closure(std::string_view name) {
  return name.find("(unnamed") != std::string_view::npos ||
         name.find("(lambda") != std::string_view::npos ||
         name.find("<lambda") != std::string_view::npos || name.find("$_") != std::string_view::npos;
}

size_t common_prefix(std::string_view a, std::string_view b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

// The mangled name LLDB gives the class's own `method`.
std::string mangled_method(lldb::SBType type, std::string_view method) {
  for (uint32_t i = 0; i < type.GetNumberOfMemberFunctions(); ++i) {
    lldb::SBTypeMemberFunction f = type.GetMemberFunctionAtIndex(i);
    if (f.GetName() && method == f.GetName() && f.GetMangledName()) return f.GetMangledName();
  }
  return {};
}

}  // namespace

const ErasedType* TypeErasure::function_target(uint64_t manager) {
  auto it = functions_.find(manager);
  if (it == functions_.end()) it = functions_.emplace(manager, resolve_function(manager)).first;
  return it->second ? &*it->second : nullptr;
}

const ErasedType* TypeErasure::any_value(uint64_t manager) {
  auto it = anys_.find(manager);
  if (it == anys_.end()) it = anys_.emplace(manager, resolve_any(manager)).first;
  return it->second ? &*it->second : nullptr;
}

std::optional<ErasedType> TypeErasure::resolve_function(uint64_t manager) {
  lldb::SBTarget& target = registry_.target();
  lldb::SBAddress address = target.ResolveLoadAddress(manager);
  lldb::SBSymbol symbol = address.GetSymbol();
  if (!symbol.IsValid() || !symbol.GetName()) return std::nullopt;
  std::string owner = owner_of_function(symbol.GetName());
  // GCC 12: std::_Function_handler<Sig, F>::_M_manager; older: _Base_manager<F>::_M_manager.
  bool handler = owner.starts_with("std::_Function_handler<");
  if (!handler && !owner.starts_with("std::_Function_base::_Base_manager<")) return std::nullopt;
  std::vector<std::string> args = template_arguments(owner);
  if (args.size() != (handler ? 2u : 1u)) return std::nullopt;
  const std::string& functor = args.back();
  std::string prefix = owner.substr(0, owner.find('<') + 1);
  size_t functor_index = handler ? 1 : 0;

  auto candidates = unit_classes(address.GetCompileUnit(), [&](std::string_view name) {
    return name.starts_with(prefix);
  });
  std::vector<lldb::SBType> matching;
  for (lldb::SBType c : candidates) {
    if (c.GetNumberOfTemplateArguments() <= functor_index) continue;
    lldb::SBType f = plain(c.GetTemplateArgumentType(static_cast<uint32_t>(functor_index)));
    if (handler && !same_type_name(args[0], c.GetTemplateArgumentType(0).GetName()
                                                   ? c.GetTemplateArgumentType(0).GetName()
                                                   : ""))
      continue;
    std::string_view f_name = f.GetName() ? f.GetName() : "";
    bool same = is_lambda_name(functor) ? unnamed_closure(f_name) : same_type_name(functor, f_name);
    if (same) matching.push_back(c);
  }
  if (matching.size() > 1) {
    // Several closures of one signature in one unit: the mangled names share the enclosing
    // function's part; the longest shared prefix picks the one, if it is unique.
    std::string mine = symbol.GetMangledName() ? symbol.GetMangledName() : "";
    size_t best = 0, ties = 0;
    lldb::SBType chosen;
    for (lldb::SBType c : matching) {
      size_t n = common_prefix(mine, mangled_method(c, "_M_manager"));
      if (n > best) best = n, ties = 1, chosen = c;
      else if (n == best) ++ties;
    }
    if (ties != 1) return std::nullopt;
    matching = {chosen};
  }
  if (matching.size() != 1) return std::nullopt;
  lldb::SBType type = plain(matching[0].GetTemplateArgumentType(static_cast<uint32_t>(functor_index)));
  if (!type.IsValid() || type.GetByteSize() == 0) return std::nullopt;
  ErasedType erased;
  erased.layout = registry_.intern(type);
  erased.kind = is_lambda_name(functor) ? lambda_kind_name(functor)
                                        : readable_type_name(type.GetName() ? type.GetName() : functor);
  erased.in_place = type.GetByteSize() <= kFunctionLocalSize && align_of(type) <= kFunctionLocalAlign &&
                    trivially_copyable(type);
  return erased;
}

std::optional<ErasedType> TypeErasure::resolve_any(uint64_t manager) {
  lldb::SBTarget& target = registry_.target();
  lldb::SBAddress address = target.ResolveLoadAddress(manager);
  lldb::SBSymbol symbol = address.GetSymbol();
  if (!symbol.IsValid() || !symbol.GetName()) return std::nullopt;
  std::string owner = owner_of_function(symbol.GetName());
  bool external = owner.starts_with("std::any::_Manager_external<");
  if (!external && !owner.starts_with("std::any::_Manager_internal<")) return std::nullopt;
  auto candidates = unit_classes(address.GetCompileUnit(), [&](std::string_view name) {
    return same_type_name(owner, name);
  });
  if (candidates.empty()) return std::nullopt;
  lldb::SBType type = plain(candidates[0].GetTemplateArgumentType(0));
  if (!type.IsValid() || type.GetByteSize() == 0) return std::nullopt;
  ErasedType erased;
  erased.layout = registry_.intern(type);
  erased.kind = readable_type_name(type.GetName() ? type.GetName() : "");
  erased.in_place = !external;
  return erased;
}

}  // namespace heapwalk::typeinfo
