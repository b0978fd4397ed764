// The conservative roots of a stopped process or core: threads (registers, stacks, locals),
// TLS, and module data that has no typed globals. Like roots.cpp, this touches SBValue once
// per root, never per object.
#include <algorithm>
#include <cstring>
#include <unordered_map>

#include <fmt/format.h>
#include <lldb/API/SBFrame.h>
#include <lldb/API/SBFunction.h>
#include <lldb/API/SBModule.h>
#include <lldb/API/SBProcess.h>
#include <lldb/API/SBSection.h>
#include <lldb/API/SBThread.h>
#include <lldb/API/SBValue.h>
#include <lldb/API/SBValueList.h>

#include "walker/malloc/malloc_heap.h"
#include "walker/memory/memory_image.h"
#include "walker/roots/roots.h"
#include "walker/roots/thread_memory.h"
#include "walker/roots/threads.h"

namespace heapwalk::walker {
namespace {

constexpr uint64_t kRedZone = 128;        // x86-64 leaf functions may use 128 bytes below rsp
constexpr uint64_t kPthreadSize = 0x940;  // struct pthread (2.36: 2368 bytes), above the TLS

std::string module_name(lldb::SBModule module) {
  const char* name = module.GetFileSpec().GetFilename();
  return name ? name : "?";
}

// The pieces of a thread that lie outside its stack frames: struct pthread, static TLS, DTV.
void thread_memory_roots(const ThreadMemory& t, const std::string& name, RootSet& roots) {
  if (t.static_tls_begin < t.descriptor.address)
    roots.ranges.push_back({name + ": static TLS", t.static_tls_begin, t.descriptor.address});
  roots.ranges.push_back({name + ": struct pthread", t.descriptor.address, t.pthread_end});
  if (t.dtv_begin) roots.ranges.push_back({name + ": DTV", t.dtv_begin, t.dtv_end});
}

void thread_roots(lldb::SBThread thread, const MemoryImage& memory, const ThreadMemory* tls,
                  RootSet& roots) {
  uint32_t id = thread.GetIndexID();
  std::string name = fmt::format("thread #{}", id);
  lldb::SBFrame top = thread.GetFrameAtIndex(0);
  // Registers: any general-purpose register may hold the only pointer to an object.
  lldb::SBValueList sets = top.GetRegisters();
  for (uint32_t s = 0; s < sets.GetSize(); ++s) {
    lldb::SBValue set = sets.GetValueAtIndex(s);
    if (!set.GetName() || std::string_view(set.GetName()).find("General") == std::string_view::npos)
      continue;
    for (uint32_t r = 0; r < set.GetNumChildren(); ++r) {
      lldb::SBValue reg = set.GetChildAtIndex(r);
      if (reg.GetByteSize() != 8) continue;
      roots.words.push_back({fmt::format("register {} of {}", reg.GetName(), name),
                             reg.GetValueAsUnsigned()});
    }
  }
  // The stack from the stack pointer to the top of its mapping. For threads made by
  // pthread_create that includes their static TLS and struct pthread, labelled as such.
  uint64_t sp = top.GetSP();
  bool tls_in_stack = false;
  if (const Region* region = memory.region_of(sp)) {
    uint64_t begin = std::max(region->start, sp - kRedZone);
    std::string label = "stack of " + name;
    if (tls && region->contains(tls->static_tls_begin) && tls->static_tls_begin >= begin &&
        tls->pthread_end <= region->end) {
      tls_in_stack = true;
      roots.ranges.push_back({label, begin, tls->static_tls_begin});
      thread_memory_roots(*tls, name, roots);
      if (tls->pthread_end < region->end) roots.ranges.push_back({label, tls->pthread_end, region->end});
    } else {
      roots.ranges.push_back({label, begin, region->end});
    }
  }
  if (tls && !tls_in_stack) thread_memory_roots(*tls, name, roots);
  // Typed locals and arguments of every frame.
  for (uint32_t f = 0; f < thread.GetNumFrames(); ++f) {
    lldb::SBFrame frame = thread.GetFrameAtIndex(f);
    lldb::SBValueList variables = frame.GetVariables(true, true, true, true, lldb::eNoDynamicValues);
    const char* function = frame.GetFunctionName();
    for (uint32_t v = 0; v < variables.GetSize(); ++v) {
      lldb::SBValue value = variables.GetValueAtIndex(v);
      uint64_t address = value.GetLoadAddress();
      if (address == LLDB_INVALID_ADDRESS) continue;  // in a register: covered above
      roots.typed.push_back({fmt::format("{} frame #{} {}: {}", name, f,
                                         function ? function : "?",
                                         value.GetName() ? value.GetName() : "?"),
                             address, value.GetType()});
    }
  }
}

// When ld.so's thread lists cannot be read (a glibc without debug info or built-in layout): a
// thread's control block (struct pthread) starts with tcbhead_t, whose `tcb` (+0) and `self`
// (+16) both point at itself. The other live threads' lie in their stack mappings, already
// scanned; the main thread's static TLS lies just below its own. Exited threads are lost.
void main_thread_tls_by_signature(const MemoryImage& memory, const MallocHeap& heap,
                                  RootSet& roots) {
  constexpr uint64_t kLargestCandidate = uint64_t{64} << 20, kStaticTlsBelow = 16 << 10;
  auto holds_heap = [&](const Region& r) {
    for (const ArenaCensus& arena : heap.arenas)
      for (const HeapRange& h : arena.heaps)
        if (h.start < r.end && r.start < h.end) return true;
    return false;
  };
  auto in_stack = [&](uint64_t address) {
    for (const RootRange& range : roots.ranges)
      if (address >= range.begin && address < range.end) return true;
    return false;
  };
  for (const Region& region : memory.regions()) {
    if (!region.writable || region.size() > kLargestCandidate || holds_heap(region)) continue;
    std::span<const uint8_t> bytes = memory.view(region.start, region.size());
    for (uint64_t at = 0; at + 24 <= bytes.size(); at += 8) {
      uint64_t tcb, self, address = region.start + at;
      std::memcpy(&tcb, bytes.data() + at, 8);
      std::memcpy(&self, bytes.data() + at + 16, 8);
      if (tcb != address || self != address || in_stack(address)) continue;
      roots.ranges.push_back({"TLS of thread #1", std::max(region.start, address - kStaticTlsBelow),
                              std::min(region.end, address + kPthreadSize)});
      return;
    }
  }
}

// .data and .bss of every module, scanned for what typed roots do not explain: all of it in
// modules without debug info (and the C library's and loader's), the bytes between typed
// globals elsewhere (function-local statics, globals of units built without -g). malloc's own
// state is cut out: its bins point at free chunks' headers, which sit inside the previous chunk.
void module_data(lldb::SBTarget& target, const GlibcLayout& layout, RootSet& roots) {
  std::vector<std::pair<uint64_t, uint64_t>> holes = {
      {layout.main_arena, layout.main_arena + layout.arena_size}, {layout.mp, layout.mp + 256}};
  for (Root& root : roots.typed) {
    uint64_t size = root.type.GetByteSize();
    if (size) holes.push_back({root.address, root.address + size});
  }
  std::sort(holes.begin(), holes.end());
  for (uint32_t m = 0; m < target.GetNumModules(); ++m) {
    lldb::SBModule module = target.GetModuleAtIndex(m);
    std::string name = module_name(module);
    for (uint32_t s = 0; s < module.GetNumSections(); ++s) {
      lldb::SBSection segment = module.GetSectionAtIndex(s);
      for (uint32_t k = 0; k < segment.GetNumSubSections(); ++k) {
        lldb::SBSection section = segment.GetSubSectionAtIndex(k);
        std::string_view section_name = section.GetName() ? section.GetName() : "";
        if (section_name != ".data" && section_name != ".bss") continue;
        uint64_t begin = section.GetLoadAddress(target);
        if (begin == LLDB_INVALID_ADDRESS) continue;
        uint64_t end = begin + section.GetByteSize();
        std::string label = fmt::format("{} of {}", section_name, name);
        uint64_t at = begin;
        for (auto [hole_begin, hole_end] : holes) {
          if (hole_end <= at || hole_begin >= end) continue;
          if (hole_begin > at) roots.ranges.push_back({label, at, hole_begin});
          at = std::max(at, hole_end);
        }
        if (at < end) roots.ranges.push_back({label, at, end});
      }
    }
  }
}

}  // namespace

RootSet all_roots(lldb::SBTarget& target, const MemoryImage& memory, const GlibcLayout& layout,
                  const MallocHeap& heap) {
  RootSet roots;
  roots.typed = static_roots(target, memory, layout.version);
  roots.static_count = roots.typed.size();
  std::vector<ThreadMemory> threads;
  try {
    threads = thread_memory(read_loader(target, memory, layout.version), memory);
  } catch (const LoaderDataMissing&) {
  }
  // Live threads by their kernel id (the main thread's is the process id); an exited
  // thread's is 0.
  std::unordered_map<uint64_t, size_t> by_tid;
  for (size_t k = 0; k < threads.size(); ++k)
    if (threads[k].descriptor.tid) by_tid.emplace(threads[k].descriptor.tid, k);
  std::vector<bool> live(threads.size());
  lldb::SBProcess process = target.GetProcess();
  for (uint32_t i = 0; i < process.GetNumThreads(); ++i) {
    lldb::SBThread thread = process.GetThreadAtIndex(i);
    auto found = by_tid.find(thread.GetThreadID());
    const ThreadMemory* tls = found == by_tid.end() ? nullptr : &threads[found->second];
    if (tls) live[found->second] = true;
    thread_roots(thread, memory, tls, roots);
  }
  // Exited threads: cached stacks, and threads not joined yet. Their stack frames are dead
  // (and not scanned); their struct pthread (a joinable thread's return value), static TLS
  // and DTV (with every dynamic TLS block) are glibc's, kept for reuse or for pthread_join.
  for (size_t k = 0; k < threads.size(); ++k)
    if (!live[k]) thread_memory_roots(threads[k], exited_thread_name(threads[k].descriptor), roots);
  if (threads.empty()) main_thread_tls_by_signature(memory, heap, roots);
  module_data(target, layout, roots);
  return roots;
}

}  // namespace heapwalk::walker
