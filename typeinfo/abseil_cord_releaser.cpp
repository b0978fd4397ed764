// The releaser of an absl::Cord external rep: MakeCordFromExternal allocates a
// CordRepExternalImpl<R> and stores &CordRepExternalImpl<R>::Release in its releaser_invoker,
// so the invoker's symbol names the class, found among its unit's instantiations; its
// CompressedTuple<R> base is where R lies.
#include <string_view>

#include <lldb/API/SBAddress.h>
#include <lldb/API/SBSymbol.h>

#include "typeinfo/member_lookup.h"
#include "typeinfo/symbol_types.h"
#include "typeinfo/type_erasure.h"

namespace heapwalk::typeinfo {

const CordReleaser* TypeErasure::cord_releaser(uint64_t invoker) {
  auto it = cord_releasers_.find(invoker);
  if (it == cord_releasers_.end())
    it = cord_releasers_.emplace(invoker, resolve_cord_releaser(invoker)).first;
  return it->second ? &*it->second : nullptr;
}

std::optional<CordReleaser> TypeErasure::resolve_cord_releaser(uint64_t invoker) {
  lldb::SBAddress address = registry_.target().ResolveLoadAddress(invoker);
  lldb::SBSymbol symbol = address.GetSymbol();
  if (!symbol.IsValid() || !symbol.GetName() || !symbol.GetMangledName()) return std::nullopt;
  const std::string owner = owner_of_function(symbol.GetName());
  const size_t open = owner.find("CordRepExternalImpl<");
  if (open == std::string::npos || owner.find("::cord_internal::") == std::string::npos)
    return std::nullopt;
  const std::string prefix = owner.substr(0, open + 20);
  const std::string_view mangled = symbol.GetMangledName();
  auto candidates = unit_classes(address.GetCompileUnit(),
                                 [&](std::string_view name) { return name.starts_with(prefix); });
  // LLDB re-mangles a closure type of the class's members as it names it ("type"), so the
  // names do not compare equal; the longest prefix shared with the symbol's (the enclosing
  // function's part) picks the class, when only one shares that much.
  lldb::SBType chosen;
  size_t best = 0, ties = 0;
  for (lldb::SBType c : candidates)
    for (uint32_t i = 0; i < c.GetNumberOfMemberFunctions(); ++i) {
      lldb::SBTypeMemberFunction f = c.GetMemberFunctionAtIndex(i);
      if (!f.GetName() || std::string_view(f.GetName()) != "Release" || !f.GetMangledName())
        continue;
      const std::string_view other = f.GetMangledName();
      size_t n = 0;
      while (n < mangled.size() && n < other.size() && mangled[n] == other[n]) ++n;
      if (n > best) best = n, ties = 1, chosen = c;
      else if (n == best) ++ties;
    }
  if (ties != 1 || chosen.GetNumberOfTemplateArguments() < 1) return std::nullopt;
  lldb::SBType releaser = plain(chosen.GetTemplateArgumentType(0));
  if (!releaser.IsValid() || releaser.GetByteSize() == 0) return std::nullopt;
  for (uint32_t i = 0; i < chosen.GetNumberOfDirectBaseClasses(); ++i) {
    lldb::SBTypeMember base = chosen.GetDirectBaseClassAtIndex(i);
    const char* name = base.GetType().GetName();
    if (name && std::string_view(name).find("CompressedTuple<") != std::string_view::npos)
      return CordReleaser{registry_.intern(releaser), static_cast<uint32_t>(base.GetOffsetInBytes())};
  }
  return std::nullopt;
}

}  // namespace heapwalk::typeinfo
