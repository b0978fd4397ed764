// glibc malloc's addresses and struct layouts, from libc's debug info (libc6-dbg).
#include <cstring>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>
#include <lldb/API/SBError.h>
#include <lldb/API/SBFileSpec.h>
#include <lldb/API/SBModule.h>
#include <lldb/API/SBSymbol.h>
#include <lldb/API/SBSymbolContext.h>
#include <lldb/API/SBSymbolContextList.h>
#include <lldb/API/SBTarget.h>
#include <lldb/API/SBType.h>

#include "walker/malloc/malloc_heap.h"
#include "walker/memory/symbols.h"

namespace heapwalk::walker {
namespace {

uint64_t symbol_address(lldb::SBTarget& target, lldb::SBModule& libc, const char* name) {
  lldb::SBSymbolContextList list = libc.FindSymbols(name);
  for (uint32_t i = 0; i < list.GetSize(); ++i) {
    uint64_t address = list.GetContextAtIndex(i).GetSymbol().GetStartAddress().GetLoadAddress(target);
    if (address != LLDB_INVALID_ADDRESS) return address;
  }
  return 0;
}

class StructOffsets {
 public:
  StructOffsets(lldb::SBModule& libc, const char* name) : name_(name) {
    type_ = libc.FindFirstType(name);
    // "_heap_info" is also reachable through its typedef "heap_info".
    if ((!type_.IsValid() || type_.GetNumberOfFields() == 0) && name[0] == '_')
      type_ = libc.FindFirstType(name + 1).GetCanonicalType();
    if (!type_.IsValid() || type_.GetNumberOfFields() == 0) missing(name);
  }
  uint32_t size() { return static_cast<uint32_t>(type_.GetByteSize()); }
  uint32_t operator[](std::string_view field) {
    for (uint32_t i = 0; i < type_.GetNumberOfFields(); ++i) {
      lldb::SBTypeMember m = type_.GetFieldAtIndex(i);
      if (m.GetName() && field == m.GetName()) return static_cast<uint32_t>(m.GetOffsetInBytes());
    }
    missing(fmt::format("{}.{}", name_, field));
  }
  // Elements of an array member (fastbinsY[NFASTBINS]).
  uint32_t count(std::string_view field) {
    for (uint32_t i = 0; i < type_.GetNumberOfFields(); ++i) {
      lldb::SBTypeMember m = type_.GetFieldAtIndex(i);
      if (!m.GetName() || field != m.GetName()) continue;
      lldb::SBType t = m.GetType().GetCanonicalType();
      uint64_t element = t.GetArrayElementType().GetByteSize();
      return element ? static_cast<uint32_t>(t.GetByteSize() / element) : 0;
    }
    missing(fmt::format("{}.{}", name_, field));
  }

  [[noreturn]] static void missing(const std::string& what) {
    throw std::runtime_error(fmt::format(
        "no debug info for glibc's malloc ({} not found in libc.so.6): install libc6-dbg", what));
  }

 private:
  std::string name_;
  lldb::SBType type_;
};

// __libc_version ("2.36") lives in libc's read-only data, which a gcore core leaves out:
// SBTarget::ReadMemory takes it from the file when the process has no copy.
std::string libc_version(lldb::SBTarget& target, lldb::SBModule& libc) {
  lldb::SBSymbolContextList list = libc.FindSymbols("__libc_version");
  for (uint32_t i = 0; i < list.GetSize(); ++i) {
    char text[16] = {};
    lldb::SBError error;
    size_t n = target.ReadMemory(list.GetContextAtIndex(i).GetSymbol().GetStartAddress(), text,
                                 sizeof text - 1, error);
    if (n > 0) return std::string(text, strnlen(text, n));
  }
  return {};
}

}  // namespace

GlibcLayout load_glibc_layout(lldb::SBTarget& target) {
  lldb::SBModule libc = find_libc(target);
  if (!libc.IsValid())
    throw std::runtime_error("the target has no libc.so.6: only glibc's malloc is supported");
  GlibcLayout layout;
  layout.main_arena = symbol_address(target, libc, "main_arena");
  layout.mp = symbol_address(target, libc, "mp_");
  layout.tcache_key_addr = symbol_address(target, libc, "tcache_key");
  if (!layout.main_arena || !layout.mp)
    StructOffsets::missing("the symbols main_arena and mp_");
  layout.version = libc_version(target, libc);

  StructOffsets arena(libc, "malloc_state");
  layout.arena_size = arena.size();
  layout.arena_flags = arena["flags"];
  layout.arena_fastbins = arena["fastbinsY"];
  layout.nfastbins = arena.count("fastbinsY");
  layout.arena_top = arena["top"];
  layout.arena_bins = arena["bins"];
  layout.arena_next = arena["next"];
  layout.arena_system_mem = arena["system_mem"];

  StructOffsets par(libc, "malloc_par");
  layout.mp_sbrk_base = par["sbrk_base"];
  layout.mp_n_mmaps = par["n_mmaps"];
  layout.mp_mmapped_mem = par["mmapped_mem"];
  layout.mp_hp_pagesize = par["hp_pagesize"];
  layout.mp_tcache_bins = par["tcache_bins"];
  layout.mp_tcache_count = par["tcache_count"];

  StructOffsets heap(libc, "_heap_info");
  layout.heap_info_size = heap.size();
  layout.heap_ar_ptr = heap["ar_ptr"];
  layout.heap_prev = heap["prev"];
  layout.heap_size = heap["size"];
  return layout;
}

}  // namespace heapwalk::walker
