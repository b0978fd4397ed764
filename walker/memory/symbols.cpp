#include "walker/memory/symbols.h"

#include <lldb/API/SBFileSpec.h>
#include <lldb/API/SBSymbol.h>
#include <lldb/API/SBSymbolContext.h>
#include <lldb/API/SBSymbolContextList.h>

namespace heapwalk::walker {

lldb::SBModule find_libc(lldb::SBTarget& target) {
  for (uint32_t i = 0; i < target.GetNumModules(); ++i) {
    lldb::SBModule module = target.GetModuleAtIndex(i);
    const char* name = module.GetFileSpec().GetFilename();
    if (name && std::string_view(name).starts_with("libc.so")) return module;
  }
  return {};
}

bool is_system_runtime(std::string_view name) {
  return name.starts_with("libc.so") || name.starts_with("ld-linux") || name.starts_with("libc-");
}

bool is_system_runtime(lldb::SBModule module) {
  const char* name = module.GetFileSpec().GetFilename();
  return name && is_system_runtime(std::string_view(name));
}

uint64_t data_symbol_address(lldb::SBTarget& target, const char* name) {
  lldb::SBSymbolContextList found = target.FindSymbols(name, lldb::eSymbolTypeData);
  for (uint32_t i = 0; i < found.GetSize(); ++i) {
    uint64_t address = found.GetContextAtIndex(i).GetSymbol().GetStartAddress().GetLoadAddress(target);
    if (address != LLDB_INVALID_ADDRESS) return address;
  }
  return LLDB_INVALID_ADDRESS;
}

}  // namespace heapwalk::walker
