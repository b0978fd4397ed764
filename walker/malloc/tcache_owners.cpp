#include "walker/malloc/tcache_owners.h"

#include "walker/memory/symbols.h"

#include <array>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <unordered_set>

#include <fmt/format.h>
#include <lldb/API/SBModule.h>
#include <lldb/API/SBProcess.h>
#include <lldb/API/SBSymbol.h>
#include <lldb/API/SBThread.h>
#include <lldb/API/SBType.h>
#include <lldb/API/SBValue.h>

#include "typeinfo/member_lookup.h"

namespace heapwalk::walker {
namespace {

constexpr int kMaxModules = 4096;
constexpr int kMaxThreads = 1 << 20;
// struct pthread in glibc 2.36 x86-64, for when libc's types are not found by name.
constexpr uint32_t kPthreadList236 = 0x2c0, kPthreadTid236 = 0x2d0;
constexpr uint32_t kPthreadSelf = 16;  // tcbhead_t.self: the thread pointer, i.e. the pthread

struct Missing : std::runtime_error {
  using std::runtime_error::runtime_error;
};

uint32_t member_offset(lldb::SBType type, std::string_view name, std::string_view what) {
  auto member = typeinfo::find_member(type, name);
  if (!member) throw Missing(fmt::format("no member {} in {} (is ld.so's debug info installed?)",
                                         name, what));
  return member->offset;
}


std::string read_c_string(const MemoryImage& memory, uint64_t address) {
  std::array<char, 512> buffer{};
  for (size_t n = buffer.size(); n >= 16; n /= 2)  // the string may end near a region's end
    if (memory.read(address, buffer.data(), n))
      return std::string(buffer.data(), strnlen(buffer.data(), n));
  return {};
}


// The two offsets of struct pthread we need: its `list` link and its `tid`.
std::pair<uint32_t, uint32_t> pthread_offsets(lldb::SBTarget& target,
                                              const std::string& glibc_version) {
  lldb::SBType pthread = target.FindFirstType("pthread");
  auto list = typeinfo::find_member(pthread, "list");
  auto tid = typeinfo::find_member(pthread, "tid");
  if (pthread.IsValid() && list && tid) return {list->offset, tid->offset};
  if (glibc_version == "2.36") return {kPthreadList236, kPthreadTid236};
  throw Missing(fmt::format("no type for struct pthread and no built-in layout for glibc {}",
                            glibc_version));
}

TcacheOwners find_owners(lldb::SBTarget& target, const MemoryImage& memory,
                         const MallocHeap& heap, const std::string& glibc_version) {
  // `tcache`'s offset in libc's TLS block: a STT_TLS symbol's value is that offset.
  lldb::SBModule libc = find_libc(target);
  if (!libc.IsValid()) throw Missing("libc.so is not loaded");
  lldb::SBSymbol symbol = libc.FindSymbol("tcache");
  if (!symbol.IsValid())
    throw Missing("no symbol for libc's `tcache` (install libc6-dbg)");
  uint64_t tcache_in_block = symbol.GetStartAddress().GetFileAddress();

  lldb::SBType rtld_type = target.FindFirstGlobalVariable("_rtld_global").GetType();
  uint64_t rtld_address = data_symbol_address(target, "_rtld_global");
  if (!rtld_type.IsValid() || rtld_address == LLDB_INVALID_ADDRESS)
    throw Missing("no variable _rtld_global (is ld.so's debug info installed?)");
  auto ns = typeinfo::find_member(rtld_type, "_dl_ns");
  if (!ns) throw Missing("no member _dl_ns in _rtld_global");
  lldb::SBType namespace_type = typeinfo::plain(ns->type).GetArrayElementType();
  auto loaded = typeinfo::find_member(namespace_type, "_ns_loaded");
  if (!loaded) throw Missing("no member _ns_loaded in link_namespaces");
  lldb::SBType link_map = typeinfo::plain(loaded->type).GetPointeeType();
  uint32_t l_next = member_offset(link_map, "l_next", "struct link_map");
  uint32_t l_name = member_offset(link_map, "l_name", "struct link_map");
  uint32_t l_tls_offset = member_offset(link_map, "l_tls_offset", "struct link_map");

  // libc's static TLS block sits l_tls_offset bytes below each thread pointer.
  std::optional<int64_t> libc_tls_offset;
  uint64_t map = memory.word(rtld_address + ns->offset + loaded->offset);
  for (int n = 0; map && n < kMaxModules && !libc_tls_offset; ++n) {
    std::string name = read_c_string(memory, memory.word(map + l_name));
    std::string_view base = std::string_view(name).substr(name.rfind('/') + 1);
    if (base.starts_with("libc.so"))
      libc_tls_offset = memory.load<int64_t>(map + l_tls_offset);
    map = memory.word(map + l_next);
  }
  if (!libc_tls_offset || *libc_tls_offset <= 0)
    throw Missing("libc's link_map or its static TLS offset not found");

  auto [list_offset, tid_offset] = pthread_offsets(target, glibc_version);
  std::unordered_set<uint64_t> tcaches;
  for (const TcacheCensus& t : heap.tcaches) tcaches.insert(t.address);

  TcacheOwners owners;
  owners.attributed = true;
  lldb::SBProcess process = target.GetProcess();
  for (const char* list_name : {"_dl_stack_user", "_dl_stack_used"}) {
    uint64_t head = rtld_address + member_offset(rtld_type, list_name, "_rtld_global");
    uint64_t link = memory.word(head);
    for (int n = 0; link && link != head && n < kMaxThreads; ++n, link = memory.word(link)) {
      uint64_t pd = link - list_offset;
      if (memory.word(pd + kPthreadSelf) != pd) continue;  // not a thread descriptor
      uint64_t tcache = memory.word(pd - static_cast<uint64_t>(*libc_tls_offset) + tcache_in_block);
      if (!tcaches.count(tcache)) continue;
      TcacheThread thread;
      thread.tid = static_cast<uint64_t>(memory.load<int32_t>(pd + tid_offset).value_or(0));
      lldb::SBThread lldb_thread = process.GetThreadByID(thread.tid);
      thread.index = lldb_thread.IsValid() ? lldb_thread.GetIndexID() : 0;
      owners.by_address[tcache] = thread;
    }
  }
  return owners;
}

}  // namespace

TcacheOwners find_tcache_owners(lldb::SBTarget& target, const MemoryImage& memory,
                                const MallocHeap& heap, const std::string& glibc_version) {
  try {
    return find_owners(target, memory, heap, glibc_version);
  } catch (const std::exception& e) {
    TcacheOwners owners;
    owners.why_not = e.what();
    return owners;
  }
}

}  // namespace heapwalk::walker
