#include "walker/roots/thread_memory.h"

#include <algorithm>

#include <fmt/format.h>

namespace heapwalk::walker {
namespace {

constexpr uint64_t kDtvEntry = 16;         // sizeof(dtv_t)
constexpr uint64_t kMaxDtvSlots = 1 << 16;
constexpr uint32_t kTcbDtv = 8;            // tcbhead_t.dtv

}  // namespace

std::vector<ThreadMemory> thread_memory(const LoaderView& view, const MemoryImage& memory) {
  std::vector<ThreadMemory> out;
  out.reserve(view.threads.size());
  for (const ThreadDescriptor& d : view.threads) {
    const Region* region = memory.region_of(d.address);
    if (!region || !view.pthread_size) continue;
    ThreadMemory t;
    t.descriptor = d;
    t.pthread_end = std::min(region->end, d.address + view.pthread_size);
    t.static_tls_begin = d.address;
    if (view.tls_static_size > view.pthread_size) {
      uint64_t below = view.tls_static_size - view.pthread_size;
      uint64_t begin = d.address > below ? d.address - below : 0;
      // The main thread's block may straddle two mappings ld.so allocated one after the other.
      const Region* first = memory.region_of(begin);
      t.static_tls_begin = first && first->end >= region->start ? begin
                                                                : std::max(begin, region->start);
    }
    uint64_t dtv = memory.word(d.address + kTcbDtv);
    if (dtv >= kDtvEntry && dtv % 8 == 0) {
      uint64_t slots = memory.word(dtv - kDtvEntry);
      uint64_t begin = dtv - kDtvEntry, end = dtv + kDtvEntry * (slots + 1);
      const Region* at = memory.region_of(begin);
      if (slots && slots <= kMaxDtvSlots && at && end <= at->end) {
        t.dtv_begin = begin;
        t.dtv_end = end;
      }
    }
    out.push_back(t);
  }
  return out;
}

std::string exited_thread_name(const ThreadDescriptor& d) {
  if (d.list == ThreadDescriptor::List::kCache)
    return fmt::format("cached stack of an exited thread (struct pthread {:#x})", d.address);
  if (d.tid)  // alive for the kernel when memory was read, but not listed by LLDB
    return fmt::format("thread with tid {} (struct pthread {:#x})", d.tid, d.address);
  return fmt::format("exited thread, not joined yet (struct pthread {:#x})", d.address);
}

}  // namespace heapwalk::walker
