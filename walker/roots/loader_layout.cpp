// The table was read from glibc 2.36's sources (sysdeps/generic/ldsodefs.h, include/link.h,
// nptl/descr.h; x86-64, as Debian 12 builds them) and is checked against libc6-dbg's DWARF by
// tests/unit/loader_layout_test.cpp.
#include "walker/roots/loader_layout.h"

#include <array>
#include <optional>

#include <fmt/format.h>
#include <lldb/API/SBType.h>
#include <lldb/API/SBValue.h>

#include "typeinfo/member_lookup.h"

namespace heapwalk::walker {
namespace {

constexpr std::array<LoaderLayout, 1> kTable = {{
    {.version = "2.36",
     .ns_loaded = 0,
     .stack_used = 4264,
     .stack_user = 4280,
     .stack_cache = 4296,
     .tls_static_size = 672,
     .l_name = 8,
     .l_next = 24,
     .l_tls_offset = 1144,
     .pthread_list = 704,
     .pthread_tid = 720,
     .pthread_size = 2368},
}};

std::optional<uint32_t> offset_of(lldb::SBType type, std::string_view name) {
  if (!type.IsValid()) return std::nullopt;
  auto member = typeinfo::find_member(type, name);
  if (!member) return std::nullopt;
  return member->offset;
}

// One field: from debug info if there, else from the table; counts where it came from.
struct Filler {
  const LoaderLayout* table;
  std::string_view glibc_version;
  int from_table = 0;

  template <class T>
  void set(T& field, std::optional<T> dwarf, T LoaderLayout::*in_table, std::string_view what) {
    if (dwarf) {
      field = *dwarf;
    } else if (table) {
      field = table->*in_table;
      ++from_table;
    } else {
      throw LoaderDataMissing(fmt::format(
          "no debug info for {} and no built-in loader layout for glibc {}: install libc6-dbg",
          what, glibc_version.empty() ? "?" : glibc_version));
    }
  }
};

}  // namespace

std::span<const LoaderLayout> builtin_loader_layouts() { return kTable; }

const LoaderLayout* find_builtin_loader_layout(std::string_view version) {
  for (const LoaderLayout& entry : kTable)
    if (entry.version == version) return &entry;
  return nullptr;
}

LoaderLayout loader_layout(lldb::SBTarget& target, const std::string& glibc_version) {
  Filler fill{find_builtin_loader_layout(glibc_version), glibc_version};
  LoaderLayout out;
  out.version = fill.table ? fill.table->version : std::string_view{};

  lldb::SBType rtld = target.FindFirstGlobalVariable("_rtld_global").GetType();
  lldb::SBType rtld_ro = target.FindFirstGlobalVariable("_rtld_global_ro").GetType();
  std::optional<uint32_t> ns_loaded;
  lldb::SBType link_map;
  if (auto ns = rtld.IsValid() ? typeinfo::find_member(rtld, "_dl_ns") : std::nullopt) {
    lldb::SBType element = typeinfo::plain(ns->type).GetArrayElementType();
    if (auto loaded = element.IsValid() ? typeinfo::find_member(element, "_ns_loaded")
                                        : std::nullopt) {
      ns_loaded = ns->offset + loaded->offset;
      link_map = typeinfo::plain(loaded->type).GetPointeeType();
    }
  }
  fill.set(out.ns_loaded, ns_loaded, &LoaderLayout::ns_loaded, "_rtld_global._dl_ns");
  fill.set(out.stack_used, offset_of(rtld, "_dl_stack_used"), &LoaderLayout::stack_used,
           "_rtld_global._dl_stack_used");
  fill.set(out.stack_user, offset_of(rtld, "_dl_stack_user"), &LoaderLayout::stack_user,
           "_rtld_global._dl_stack_user");
  fill.set(out.stack_cache, offset_of(rtld, "_dl_stack_cache"), &LoaderLayout::stack_cache,
           "_rtld_global._dl_stack_cache");
  fill.set(out.tls_static_size, offset_of(rtld_ro, "_dl_tls_static_size"),
           &LoaderLayout::tls_static_size, "_rtld_global_ro._dl_tls_static_size");
  fill.set(out.l_name, offset_of(link_map, "l_name"), &LoaderLayout::l_name, "link_map.l_name");
  fill.set(out.l_next, offset_of(link_map, "l_next"), &LoaderLayout::l_next, "link_map.l_next");
  fill.set(out.l_tls_offset, offset_of(link_map, "l_tls_offset"), &LoaderLayout::l_tls_offset,
           "link_map.l_tls_offset");

  lldb::SBType pthread = target.FindFirstType("pthread");
  if (pthread.IsValid() && !offset_of(pthread, "tid")) pthread = {};  // a declaration only
  fill.set(out.pthread_list, offset_of(pthread, "list"), &LoaderLayout::pthread_list,
           "struct pthread");
  fill.set(out.pthread_tid, offset_of(pthread, "tid"), &LoaderLayout::pthread_tid,
           "struct pthread");
  std::optional<uint64_t> size;
  if (pthread.IsValid() && pthread.GetByteSize()) size = pthread.GetByteSize();
  fill.set(out.pthread_size, size, &LoaderLayout::pthread_size, "struct pthread");
  out.from_table = fill.from_table > 0;
  return out;
}

}  // namespace heapwalk::walker
