#include "walker/memory/allocator.h"

#include <string_view>

#include <fmt/format.h>
#include <lldb/API/SBFileSpec.h>
#include <lldb/API/SBModule.h>
#include <lldb/API/SBSymbol.h>
#include <lldb/API/SBSymbolContext.h>
#include <lldb/API/SBSymbolContextList.h>

#include "walker/memory/symbols.h"

namespace heapwalk::walker {
namespace {

struct KnownAllocator {
  const char* name;
  const char* module_prefix;  // its shared library's file name
  const char* entry_point;    // a function only it defines
};

// jemalloc's mallctl, gperftools' tc_malloc (tcmalloc and tcmalloc_minimal), mimalloc's
// mi_malloc, and others seen as LD_PRELOAD replacements.
constexpr KnownAllocator kKnown[] = {
    {"jemalloc", "libjemalloc", "mallctl"},      {"tcmalloc", "libtcmalloc", "tc_malloc"},
    {"mimalloc", "libmimalloc", "mi_malloc"},    {"rpmalloc", "librpmalloc", "rpmalloc"},
    {"snmalloc", "libsnmallocshim", "sn_malloc"}, {"Hoard", "libhoard", "xxmalloc"},
    {"scudo", "libscudo", "__scudo_print_stats"}, {"tbbmalloc", "libtbbmalloc", "scalable_malloc"},
};

std::string file_name(lldb::SBModule& module) {
  const char* name = module.GetFileSpec().GetFilename();
  return name ? name : "";
}

// A global function `name` defined in the module (not an import, a PLT stub or a local).
bool defines(lldb::SBModule& module, const char* name) {
  lldb::SBSymbolContextList found = module.FindFunctions(name, lldb::eFunctionNameTypeFull);
  for (uint32_t i = 0; i < found.GetSize(); ++i) {
    lldb::SBSymbol symbol = found.GetContextAtIndex(i).GetSymbol();
    if (symbol.IsValid() && symbol.GetType() == lldb::eSymbolTypeCode && symbol.IsExternal() &&
        !symbol.IsSynthetic())
      return true;
  }
  lldb::SBSymbol symbol = module.FindSymbol(name, lldb::eSymbolTypeCode);
  return symbol.IsValid() && symbol.IsExternal() && !symbol.IsSynthetic();
}

}  // namespace

MallocProvider malloc_provider(lldb::SBTarget& target) {
  // libc.so.6 comes last in the search order of every program that links another malloc (it
  // is a dependency of everything, so loaded after the executable, its LD_PRELOADs and the
  // libraries it names); LLDB's module list is not always in load order (its module cache
  // hands back modules it already has), so libc is looked at only when nothing else defines
  // malloc.
  lldb::SBModule libc;
  for (uint32_t i = 0; i < target.GetNumModules(); ++i) {
    lldb::SBModule module = target.GetModuleAtIndex(i);
    std::string name = file_name(module);
    if (std::string_view(name).starts_with("libc.so")) {
      libc = module;
      continue;
    }
    if (!defines(module, "malloc")) continue;
    MallocProvider provider{name, ""};
    for (const KnownAllocator& known : kKnown)
      if (provider.allocator.empty() &&
          (std::string_view(provider.module).starts_with(known.module_prefix) ||
           defines(module, known.entry_point)))
        provider.allocator = known.name;
    return provider;
  }
  if (libc.IsValid() && defines(libc, "malloc")) return {file_name(libc), "glibc"};
  return {};
}

std::string unsupported_allocator(lldb::SBTarget& target) {
  MallocProvider provider = malloc_provider(target);
  if (provider.allocator == "glibc") return {};
  if (!provider.allocator.empty())
    return fmt::format("this process allocates with {} ({}): heapwalk reads glibc malloc heaps",
                       provider.allocator, provider.module);
  // No libc.so.6: a static program (glibc's malloc, if any, is inside it, without the shared
  // library whose symbols and debug info heapwalk finds malloc's state through).
  if (!find_libc(target).IsValid()) {
    lldb::SBModule exe = target.GetModuleAtIndex(0);
    std::string name = exe.IsValid() ? file_name(exe) : "the program";
    if (provider.module.empty())
      return fmt::format("{} is statically linked and has no malloc symbols: heapwalk reads "
                         "glibc malloc heaps through libc.so.6",
                         name);
    return fmt::format("{} is statically linked (its malloc is inside it, no libc.so.6): "
                       "heapwalk reads glibc malloc heaps through libc.so.6",
                       name);
  }
  return {};  // the program's own malloc (a wrapper); glibc's heap is what the walker checks
}

}  // namespace heapwalk::walker
