// The conservative roots of a stopped process or core: threads (registers, stacks, locals),
// TLS, and module data that has no typed globals. Like roots.cpp, this touches SBValue once
// per root, never per object.
#include <algorithm>
#include <cstring>

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
#include "walker/memory/symbols.h"
#include "typeinfo/member_lookup.h"

namespace heapwalk::walker {
namespace {

constexpr uint64_t kRedZone = 128;        // x86-64 leaf functions may use 128 bytes below rsp
constexpr uint64_t kPthreadSize = 0x900;  // struct pthread (2.36: 2304 bytes), above the TLS

std::string module_name(lldb::SBModule module) {
  const char* name = module.GetFileSpec().GetFilename();
  return name ? name : "?";
}



void thread_roots(lldb::SBThread thread, const MemoryImage& memory, RootSet& roots) {
  uint32_t id = thread.GetIndexID();
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
      roots.words.push_back({fmt::format("register {} of thread #{}", reg.GetName(), id),
                             reg.GetValueAsUnsigned()});
    }
  }
  // The stack from the stack pointer to the top of its mapping; for threads made by
  // pthread_create that includes their TLS and struct pthread.
  uint64_t sp = top.GetSP();
  if (const Region* region = memory.region_of(sp)) {
    uint64_t begin = std::max(region->start, sp - kRedZone);
    roots.ranges.push_back({fmt::format("stack of thread #{}", id), begin, region->end});
  }
  // Typed locals and arguments of every frame.
  for (uint32_t f = 0; f < thread.GetNumFrames(); ++f) {
    lldb::SBFrame frame = thread.GetFrameAtIndex(f);
    lldb::SBValueList variables = frame.GetVariables(true, true, true, true, lldb::eNoDynamicValues);
    const char* function = frame.GetFunctionName();
    for (uint32_t v = 0; v < variables.GetSize(); ++v) {
      lldb::SBValue value = variables.GetValueAtIndex(v);
      uint64_t address = value.GetLoadAddress();
      if (address == LLDB_INVALID_ADDRESS) continue;  // in a register: covered above
      roots.typed.push_back({fmt::format("thread #{} frame #{} {}: {}", id, f,
                                         function ? function : "?",
                                         value.GetName() ? value.GetName() : "?"),
                             address, value.GetType()});
    }
  }
}

// A field of one of ld.so's globals, read from our memory image at the symbol's address: when
// a second target shares the module, LLDB 16 may give its SBValue no load address at all.
uint64_t loader_field(lldb::SBTarget& target, const MemoryImage& memory, const char* global,
                      const char* field) {
  uint64_t address = data_symbol_address(target, global);
  auto member = typeinfo::find_member(target.FindFirstGlobalVariable(global).GetType(), field);
  if (address == LLDB_INVALID_ADDRESS || !member) return 0;
  return memory.word(address + member->offset);
}

// Without ld.so's debug info: a thread's control block (struct pthread) starts with
// tcbhead_t, whose `tcb` (+0) and `self` (+16) both point at itself. The other threads' lie in
// their stack mappings, already scanned; the main thread's static TLS lies just below its own.
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

// The main thread's static TLS blocks, found through ld.so's initial dtv.
void main_thread_tls(lldb::SBTarget& target, const MemoryImage& memory, const MallocHeap& heap,
                     RootSet& roots) {
  uint64_t dtv = loader_field(target, memory, "_rtld_global", "_dl_initial_dtv");
  uint64_t static_size = loader_field(target, memory, "_rtld_global_ro", "_dl_tls_static_size");
  if (!dtv || !static_size) return main_thread_tls_by_signature(memory, heap, roots);
  uint64_t entries = memory.word(dtv - 16);  // dtv[-1].counter: slots allocated
  uint64_t lowest = UINT64_MAX;
  for (uint64_t i = 1; i <= std::min<uint64_t>(entries, 64); ++i) {
    uint64_t block = memory.word(dtv + 16 * i);
    if (block && block != UINT64_MAX && memory.region_of(block)) lowest = std::min(lowest, block);
  }
  if (lowest == UINT64_MAX) return main_thread_tls_by_signature(memory, heap, roots);
  const Region* region = memory.region_of(lowest);
  uint64_t end = std::min(region->end, lowest + static_size + kPthreadSize);
  roots.ranges.push_back({"TLS of thread #1", lowest, end});
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
  lldb::SBProcess process = target.GetProcess();
  for (uint32_t t = 0; t < process.GetNumThreads(); ++t)
    thread_roots(process.GetThreadAtIndex(t), memory, roots);
  main_thread_tls(target, memory, heap, roots);
  module_data(target, layout, roots);
  return roots;
}

}  // namespace heapwalk::walker
