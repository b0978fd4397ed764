#include "walker/roots/threads.h"

#include <array>
#include <cstring>
#include <string_view>
#include <unordered_set>

#include <fmt/format.h>
#include "walker/memory/symbols.h"

namespace heapwalk::walker {
namespace {

constexpr int kMaxModules = 4096;
constexpr int kMaxThreads = 1 << 20;
constexpr uint32_t kPthreadSelf = 16;  // tcbhead_t.self: the thread pointer, i.e. the pthread
constexpr uint64_t kMaxStaticTls = uint64_t{1} << 30;

std::string read_c_string(const MemoryImage& memory, uint64_t address) {
  std::array<char, 512> buffer{};
  for (size_t n = buffer.size(); n >= 16; n /= 2)  // the string may end near a region's end
    if (memory.read(address, buffer.data(), n))
      return std::string(buffer.data(), strnlen(buffer.data(), n));
  return {};
}

}  // namespace

LoaderView read_loader(lldb::SBTarget& target, const MemoryImage& memory,
                       const std::string& glibc_version) {
  // Both globals are in ld.so's dynamic symbol table: their addresses need no debug info.
  uint64_t rtld = data_symbol_address(target, "_rtld_global");
  uint64_t rtld_ro = data_symbol_address(target, "_rtld_global_ro");
  if (rtld == LLDB_INVALID_ADDRESS) throw LoaderDataMissing("no symbol _rtld_global in ld.so");
  LoaderLayout layout = loader_layout(target, glibc_version);
  LoaderView view;
  view.pthread_size = layout.pthread_size;
  view.builtin_layout = layout.from_table;
  if (rtld_ro != LLDB_INVALID_ADDRESS) {
    uint64_t size = memory.word(rtld_ro + layout.tls_static_size);
    if (size > layout.pthread_size && size < kMaxStaticTls) view.tls_static_size = size;
  }

  // Modules: link_maps of the base namespace.
  std::unordered_set<uint64_t> seen;
  uint64_t map = memory.word(rtld + layout.ns_loaded);
  for (int n = 0; map && n < kMaxModules && seen.insert(map).second; ++n) {
    std::string name = read_c_string(memory, memory.word(map + layout.l_name));
    std::string base = name.substr(name.rfind('/') + 1);
    if (auto offset = memory.load<int64_t>(map + layout.l_tls_offset); offset && *offset > 0)
      view.static_tls_offset.emplace(base, *offset);
    map = memory.word(map + layout.l_next);
  }

  // Threads: running ones on _dl_stack_user (the main thread, foreign stacks) and
  // _dl_stack_used, with exited ones not yet joined; exited ones whose stacks glibc keeps for
  // reuse on _dl_stack_cache. A descriptor is on one list at a time; `seen` keeps each once.
  using List = ThreadDescriptor::List;
  seen.clear();
  for (auto [head_offset, list] : {std::pair{layout.stack_user, List::kUser},
                                   std::pair{layout.stack_used, List::kUsed},
                                   std::pair{layout.stack_cache, List::kCache}}) {
    uint64_t head = rtld + head_offset;
    std::unordered_set<uint64_t> links;
    uint64_t link = memory.word(head);
    for (int n = 0; link && link != head && n < kMaxThreads && links.insert(link).second;
         ++n, link = memory.word(link)) {
      uint64_t pd = link - layout.pthread_list;
      if (memory.word(pd + kPthreadSelf) != pd || !seen.insert(pd).second) continue;
      uint64_t tid = static_cast<uint64_t>(memory.load<int32_t>(pd + layout.pthread_tid).value_or(0));
      view.threads.push_back({pd, list == List::kCache ? 0 : tid, list});
    }
  }
  return view;
}

}  // namespace heapwalk::walker
