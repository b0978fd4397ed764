#include "walker/roots/tcache_owners.h"

#include <unordered_set>

#include <lldb/API/SBModule.h>
#include <lldb/API/SBProcess.h>
#include <lldb/API/SBSymbol.h>
#include <lldb/API/SBThread.h>

#include "walker/memory/symbols.h"
#include "walker/roots/threads.h"

namespace heapwalk::walker {
namespace {

TcacheOwners find_owners(lldb::SBTarget& target, const MemoryImage& memory,
                         const MallocHeap& heap, const std::string& glibc_version) {
  // `tcache`'s offset in libc's TLS block: a STT_TLS symbol's value is that offset.
  lldb::SBModule libc = find_libc(target);
  if (!libc.IsValid()) throw LoaderDataMissing("libc.so is not loaded");
  lldb::SBSymbol symbol = libc.FindSymbol("tcache");
  if (!symbol.IsValid()) throw LoaderDataMissing("no symbol for libc's `tcache` (install libc6-dbg)");
  uint64_t tcache_in_block = symbol.GetStartAddress().GetFileAddress();

  LoaderView loader = read_loader(target, memory, glibc_version);
  int64_t libc_tls_offset = 0;
  for (const auto& [name, offset] : loader.static_tls_offset)
    if (name.starts_with("libc.so")) libc_tls_offset = offset;
  if (libc_tls_offset <= 0) throw LoaderDataMissing("libc's link_map or its static TLS offset not found");

  std::unordered_set<uint64_t> tcaches;
  for (const TcacheCensus& t : heap.tcaches) tcaches.insert(t.address);
  TcacheOwners owners;
  owners.attributed = true;
  lldb::SBProcess process = target.GetProcess();
  for (const ThreadDescriptor& thread : loader.threads) {
    if (thread.list == ThreadDescriptor::List::kCache) continue;
    // libc's static TLS block sits l_tls_offset bytes below each thread pointer.
    uint64_t tcache = memory.word(thread.address - static_cast<uint64_t>(libc_tls_offset) + tcache_in_block);
    if (!tcaches.count(tcache)) continue;
    TcacheThread owner;
    owner.tid = thread.tid;
    lldb::SBThread lldb_thread = process.GetThreadByID(thread.tid);
    owner.index = lldb_thread.IsValid() ? lldb_thread.GetIndexID() : 0;
    owners.by_address[tcache] = owner;
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
