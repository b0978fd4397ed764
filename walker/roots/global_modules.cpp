#include "walker/roots/global_modules.h"

#include <lldb/API/SBFileSpec.h>
#include <lldb/API/SBModule.h>
#include <lldb/API/SBValue.h>

namespace heapwalk::walker {

std::string global_module(lldb::SBTarget& target, const std::string& root_label) {
  // A global's label is its name as LLDB spells it, with ABI tags (g_title[abi:cxx11]).
  std::string name = root_label;
  for (size_t tag; (tag = name.find("[abi:")) != std::string::npos;) {
    size_t end = name.find(']', tag);
    if (end == std::string::npos) break;
    name.erase(tag, end + 1 - tag);
  }
  // The module whose debug info has the variable (an address in a dlopen'd module's .bss
  // need not resolve to a section).
  for (uint32_t i = 0; i < target.GetNumModules(); ++i) {
    lldb::SBModule module = target.GetModuleAtIndex(i);
    lldb::SBValue v = module.FindFirstGlobalVariable(target, name.c_str());
    if (!v.IsValid() || v.GetLoadAddress() == LLDB_INVALID_ADDRESS) continue;
    char path[4096];
    uint32_t n = module.GetFileSpec().GetPath(path, sizeof path);
    return n ? std::string(path) : std::string();
  }
  return {};
}

}  // namespace heapwalk::walker
