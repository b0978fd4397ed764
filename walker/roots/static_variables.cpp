// Like roots.cpp, this asks LLDB once per variable (name → address and type), never per object.
#include "walker/roots/static_variables.h"

#include <string_view>

#include <fmt/format.h>
#include <lldb/API/SBAddress.h>
#include <lldb/API/SBBlock.h>
#include <lldb/API/SBFunction.h>
#include <lldb/API/SBModule.h>
#include <lldb/API/SBProcess.h>
#include <lldb/API/SBSection.h>
#include <lldb/API/SBSymbol.h>
#include <lldb/API/SBSymbolContextList.h>
#include <lldb/API/SBThread.h>
#include <lldb/API/SBValue.h>
#include <lldb/API/SBValueList.h>

#include "typeinfo/member_lookup.h"
#include "walker/memory/symbols.h"
#include "walker/roots/threads.h"

namespace heapwalk::walker {
namespace {

bool is_program_module(lldb::SBModule module) {
  return module.GetNumCompileUnits() > 0 && !is_system_runtime(module);
}

// "ns::f(int)::counter" -> {"ns::f(int)", "counter"}: split at the last top-level "::".
std::pair<std::string_view, std::string_view> split_scope(std::string_view name) {
  int depth = 0;
  for (size_t i = name.size(); i-- > 1;) {
    char c = name[i];
    if (c == '>' || c == ')' || c == ']') ++depth;
    else if (c == '<' || c == '(' || c == '[') --depth;
    else if (depth == 0 && c == ':' && name[i - 1] == ':') return {name.substr(0, i - 1), name.substr(i + 1)};
  }
  return {{}, name};
}

// "ns::f(int) const" -> "ns::f": the name FindFunctions looks up.
std::string_view function_name(std::string_view scope) {
  int depth = 0;
  for (size_t i = 0; i < scope.size(); ++i) {
    char c = scope[i];
    if (c == '<') ++depth;
    else if (c == '>') --depth;
    else if (c == '(' && depth == 0) return scope.substr(0, i);
  }
  return scope;
}

// The static called `variable` at `address` in `block` or a block nested in it.
lldb::SBValue find_static(lldb::SBTarget& target, lldb::SBBlock block, std::string_view variable,
                          uint64_t address, int depth = 0) {
  for (; block.IsValid() && depth < 64; block = block.GetSibling()) {
    lldb::SBValueList statics = block.GetVariables(target, false, false, true);
    for (uint32_t i = 0; i < statics.GetSize(); ++i) {
      lldb::SBValue v = statics.GetValueAtIndex(i);
      if (v.GetName() && variable == v.GetName() && v.GetLoadAddress() == address) return v;
    }
    if (lldb::SBValue v = find_static(target, block.GetFirstChild(), variable, address, depth + 1);
        v.IsValid())
      return v;
  }
  return {};
}

// "t_names[abi:cxx11]" -> "t_names": the demangler shows ABI tags, variable lookup wants none.
std::string without_abi_tags(std::string_view name) {
  std::string out;
  while (!name.empty()) {
    size_t tag = name.find("[abi:");
    out += name.substr(0, tag);
    if (tag == std::string_view::npos) break;
    size_t close = name.find(']', tag);
    if (close == std::string_view::npos) break;
    name.remove_prefix(close + 1);
  }
  return out;
}

}  // namespace

std::vector<Root> function_statics(lldb::SBTarget& target) {
  std::vector<Root> roots;
  for (uint32_t m = 0; m < target.GetNumModules(); ++m) {
    lldb::SBModule module = target.GetModuleAtIndex(m);
    if (!is_program_module(module)) continue;
    for (size_t i = 0; i < module.GetNumSymbols(); ++i) {
      lldb::SBSymbol symbol = module.GetSymbolAtIndex(i);
      const char* mangled = symbol.GetMangledName();
      // _ZZ<function>E<name>: a local static; _ZGVZ… is its guard variable.
      if (!mangled || !std::string_view(mangled).starts_with("_ZZ") || !symbol.GetName() ||
          symbol.GetType() != lldb::eSymbolTypeData)
        continue;
      uint64_t address = symbol.GetStartAddress().GetLoadAddress(target);
      if (address == LLDB_INVALID_ADDRESS) continue;
      auto [scope, variable] = split_scope(symbol.GetName());
      std::string function(function_name(scope));
      if (function.empty()) continue;
      lldb::SBSymbolContextList functions =
          target.FindFunctions(function.c_str(), lldb::eFunctionNameTypeAuto);
      for (uint32_t f = 0; f < functions.GetSize(); ++f) {
        lldb::SBFunction fn = functions.GetContextAtIndex(f).GetFunction();
        lldb::SBValue v = find_static(target, fn.GetBlock(), variable, address);
        if (!v.IsValid()) continue;
        roots.push_back(make_root(target, symbol.GetName(), address, v.GetType()));
        break;
      }
    }
  }
  return roots;
}

std::vector<Root> thread_locals(lldb::SBTarget& target, const MemoryImage& memory,
                                const std::string& glibc_version) {
  std::vector<Root> roots;
  LoaderView loader;
  try {
    loader = read_loader(target, memory, glibc_version);
  } catch (const LoaderDataMissing&) {
    return roots;
  }
  lldb::SBProcess process = target.GetProcess();
  lldb::SBModule executable = target.GetModuleAtIndex(0);
  for (uint32_t m = 0; m < target.GetNumModules(); ++m) {
    lldb::SBModule module = target.GetModuleAtIndex(m);
    if (!is_program_module(module)) continue;
    // The main program's link_map has an empty name.
    std::string key = module == executable ? "" : module.GetFileSpec().GetFilename();
    auto tls = loader.static_tls_offset.find(key);
    if (tls == loader.static_tls_offset.end()) continue;  // no static TLS (or dlopen'd)
    uint64_t segment = UINT64_MAX;  // the TLS template's first address: .tdata, else .tbss
    for (uint32_t s = 0; s < module.GetNumSections(); ++s) {
      lldb::SBSection section = module.GetSectionAtIndex(s);
      for (uint32_t k = 0; k < section.GetNumSubSections(); ++k) {
        std::string_view name = section.GetSubSectionAtIndex(k).GetName();
        if (name == ".tdata" || name == ".tbss")
          segment = std::min(segment, section.GetSubSectionAtIndex(k).GetFileAddress());
      }
    }
    for (size_t i = 0; i < module.GetNumSymbols(); ++i) {
      lldb::SBSymbol symbol = module.GetSymbolAtIndex(i);
      lldb::SBSection section = symbol.GetStartAddress().GetSection();
      std::string_view section_name = section.IsValid() && section.GetName() ? section.GetName() : "";
      if ((section_name != ".tbss" && section_name != ".tdata") || !symbol.GetName()) continue;
      // A TLS symbol's value is its offset in the module's TLS block.
      uint64_t value = symbol.GetStartAddress().GetFileAddress();
      uint64_t offset = segment != UINT64_MAX && value >= segment ? value - segment : value;
      lldb::SBValue variable = module.FindFirstGlobalVariable(target, without_abi_tags(symbol.GetName()).c_str());
      if (!variable.IsValid()) continue;
      lldb::SBType type = typeinfo::complete_type(target, variable.GetStaticValue().GetType());
      for (const ThreadDescriptor& thread : loader.threads) {
        if (thread.list == ThreadDescriptor::List::kCache || !thread.tid) continue;  // exited
        lldb::SBThread lldb_thread = process.GetThreadByID(thread.tid);
        uint32_t index = lldb_thread.IsValid() ? lldb_thread.GetIndexID() : 0;
        uint64_t block = thread.address - static_cast<uint64_t>(tls->second);
        Root root{fmt::format("{} of thread #{}", symbol.GetName(), index), block + offset, type};
        if (!typeinfo::plain(type).IsTypeComplete()) root.opaque_bytes = symbol.GetSize();
        roots.push_back(std::move(root));
      }
    }
  }
  return roots;
}

}  // namespace heapwalk::walker
