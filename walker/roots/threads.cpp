#include "walker/roots/threads.h"

#include <array>
#include <cstring>
#include <string_view>
#include <unordered_set>

#include <fmt/format.h>
#include <lldb/API/SBType.h>
#include <lldb/API/SBValue.h>

#include "typeinfo/member_lookup.h"
#include "walker/memory/symbols.h"

namespace heapwalk::walker {
namespace {

constexpr int kMaxModules = 4096;
constexpr int kMaxThreads = 1 << 20;
// struct pthread in glibc 2.36 x86-64, for when libc's types are not found by name.
constexpr uint32_t kPthreadList236 = 0x2c0, kPthreadTid236 = 0x2d0;
constexpr uint64_t kPthreadSize236 = 0x900;
constexpr uint32_t kPthreadSelf = 16;  // tcbhead_t.self: the thread pointer, i.e. the pthread

uint32_t member_offset(lldb::SBType type, std::string_view name, std::string_view what) {
  auto member = typeinfo::find_member(type, name);
  if (!member)
    throw LoaderDataMissing(
        fmt::format("no member {} in {} (is ld.so's debug info installed?)", name, what));
  return member->offset;
}

std::string read_c_string(const MemoryImage& memory, uint64_t address) {
  std::array<char, 512> buffer{};
  for (size_t n = buffer.size(); n >= 16; n /= 2)  // the string may end near a region's end
    if (memory.read(address, buffer.data(), n))
      return std::string(buffer.data(), strnlen(buffer.data(), n));
  return {};
}

struct PthreadLayout {
  uint32_t list = 0, tid = 0;
  uint64_t size = 0;
};

PthreadLayout pthread_layout(lldb::SBTarget& target, const std::string& glibc_version) {
  lldb::SBType pthread = target.FindFirstType("pthread");
  auto list = typeinfo::find_member(pthread, "list");
  auto tid = typeinfo::find_member(pthread, "tid");
  if (pthread.IsValid() && list && tid) return {list->offset, tid->offset, pthread.GetByteSize()};
  if (glibc_version == "2.36") return {kPthreadList236, kPthreadTid236, kPthreadSize236};
  throw LoaderDataMissing(
      fmt::format("no type for struct pthread and no built-in layout for glibc {}", glibc_version));
}

}  // namespace

LoaderView read_loader(lldb::SBTarget& target, const MemoryImage& memory,
                       const std::string& glibc_version) {
  lldb::SBType rtld_type = target.FindFirstGlobalVariable("_rtld_global").GetType();
  uint64_t rtld_address = data_symbol_address(target, "_rtld_global");
  if (!rtld_type.IsValid() || rtld_address == LLDB_INVALID_ADDRESS)
    throw LoaderDataMissing("no variable _rtld_global (is ld.so's debug info installed?)");
  LoaderView view;

  // Modules: link_maps of the base namespace.
  auto ns = typeinfo::find_member(rtld_type, "_dl_ns");
  if (!ns) throw LoaderDataMissing("no member _dl_ns in _rtld_global");
  lldb::SBType namespace_type = typeinfo::plain(ns->type).GetArrayElementType();
  auto loaded = typeinfo::find_member(namespace_type, "_ns_loaded");
  if (!loaded) throw LoaderDataMissing("no member _ns_loaded in link_namespaces");
  lldb::SBType link_map = typeinfo::plain(loaded->type).GetPointeeType();
  uint32_t l_next = member_offset(link_map, "l_next", "struct link_map");
  uint32_t l_name = member_offset(link_map, "l_name", "struct link_map");
  uint32_t l_tls_offset = member_offset(link_map, "l_tls_offset", "struct link_map");
  std::unordered_set<uint64_t> seen;
  uint64_t map = memory.word(rtld_address + ns->offset + loaded->offset);
  for (int n = 0; map && n < kMaxModules && seen.insert(map).second; ++n) {
    std::string name = read_c_string(memory, memory.word(map + l_name));
    std::string base = name.substr(name.rfind('/') + 1);
    if (auto offset = memory.load<int64_t>(map + l_tls_offset); offset && *offset > 0)
      view.static_tls_offset.emplace(base, *offset);
    map = memory.word(map + l_next);
  }

  // Threads: running ones on _dl_stack_user (the main thread, foreign stacks) and
  // _dl_stack_used; exited ones whose stacks glibc keeps for reuse on _dl_stack_cache.
  PthreadLayout pthread = pthread_layout(target, glibc_version);
  view.pthread_size = pthread.size;
  using List = ThreadDescriptor::List;
  for (auto [list_name, list] : {std::pair{"_dl_stack_user", List::kUser},
                                 std::pair{"_dl_stack_used", List::kUsed},
                                 std::pair{"_dl_stack_cache", List::kCache}}) {
    auto member = typeinfo::find_member(rtld_type, list_name);
    if (!member) continue;
    uint64_t head = rtld_address + member->offset;
    std::unordered_set<uint64_t> links;
    uint64_t link = memory.word(head);
    for (int n = 0; link && link != head && n < kMaxThreads && links.insert(link).second;
         ++n, link = memory.word(link)) {
      uint64_t pd = link - pthread.list;
      if (list != List::kCache && memory.word(pd + kPthreadSelf) != pd) continue;
      uint64_t tid = static_cast<uint64_t>(memory.load<int32_t>(pd + pthread.tid).value_or(0));
      view.threads.push_back({pd, list == List::kCache ? 0 : tid, list});
    }
  }
  return view;
}

}  // namespace heapwalk::walker
