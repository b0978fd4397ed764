#include "walker/analysis/ledger.h"

#include <fmt/format.h>

#include "walker/graph/heap_reach.h"

namespace heapwalk::walker {

uint64_t Ledger::bytes(const std::string& key) const {
  for (const LedgerRow& row : rows)
    if (row.key == key) return row.bytes;
  return 0;
}

AllocationBuckets allocation_buckets(const AllocationTable& table,
                                     std::span<const uint8_t> reach_flags,
                                     std::span<const NodeId> leaked) {
  AllocationBuckets b;
  auto next_leak = leaked.begin();
  for (NodeId n = 0; n < table.size(); ++n) {
    uint64_t size = table.usable_size(n);
    if (table.mmapped(n)) b.mmapped_usable += size;
    bool is_leak = next_leak != leaked.end() && *next_leak == n;
    if (is_leak) ++next_leak;
    if (table.block_head(n)) continue;  // the program's allocators' overhead
    if (is_leak) b.leaked += size;
    else if (reach_flags[n] & NodeStates::kTyped)
      (reach_flags[n] & Reachability::kScalarArray ? b.arrays : b.objects) += size;
    else b.conservative += size;
  }
  return b;
}

Ledger build_ledger(const MallocHeap& heap, const ProcessGraph& graph, const LeakReport& leaks,
                    const ProcessMappings& mappings) {
  Ledger ledger;
  ledger.rss = mappings.rss;
  ledger.core_bytes = mappings.core_bytes;
  ledger.mappings_source = mappings.source;
  const AllocationTable& table = heap.in_use;

  // Allocations: by what reaches them.
  std::vector<NodeId> leaked;
  leaked.reserve(leaks.leaks.size());
  for (const Leak& leak : leaks.leaks) leaked.push_back(leak.node);
  AllocationBuckets buckets = allocation_buckets(table, graph.reach_flags, leaked);
  std::vector<NodeId>().swap(leaked);
  uint64_t objects = buckets.objects, arrays = buckets.arrays,
           conservative = buckets.conservative, leaked_bytes = buckets.leaked,
           mmapped_usable = buckets.mmapped_usable;
  // The program's own allocators: their free units, and their blocks' headers (the head
  // allocations and the headers between units) as overhead.
  uint64_t program_free = 0, program_headers = 0;
  for (const SubBlock& b : table.sub_blocks) {
    program_free += b.free_bytes;
    program_headers += b.header_bytes();
    if (b.mmapped) mmapped_usable += b.usable - b.head;  // the head is counted below
  }
  // What malloc keeps besides allocations.
  uint64_t free_bytes = 0, top = 0, overhead = 0;
  for (const ArenaCensus& arena : heap.arenas) {
    ledger.arena_system_mem += arena.system_mem;
    free_bytes += arena.bin_free_bytes + arena.fast_free_bytes + arena.tcache_bytes;
    ledger.tcache_bytes += arena.tcache_bytes;
    top += arena.top_size;
    overhead += arena.in_use_chunks * 8 + arena.overhead_bytes;  // each chunk's size field
  }
  ledger.mmapped_bytes = heap.mmapped_bytes;
  uint64_t mmapped_overhead = heap.mmapped_bytes - std::min(heap.mmapped_bytes, mmapped_usable);

  // The process: file-backed mappings, stacks, and the anonymous rest.
  uint64_t code = 0, stacks = 0;
  for (const Mapping& m : mappings.mappings) {
    ledger.mapped += m.size();
    if (m.file_backed) code += m.size();
    else if (mappings.holds_stack(m.start, m.end)) stacks += m.size();
  }
  uint64_t malloc_total = ledger.arena_system_mem + ledger.mmapped_bytes;
  uint64_t accounted = code + stacks + malloc_total;
  uint64_t other = ledger.mapped > accounted ? ledger.mapped - accounted : 0;
  if (ledger.mapped < accounted)
    ledger.problems.push_back(fmt::format(
        "mappings ({} bytes, from {}) hold less than code, stacks and malloc ({} bytes)",
        ledger.mapped, mappings.source, accounted));
  overhead += program_headers;
  uint64_t malloc_rows = objects + arrays + conservative + leaked_bytes + free_bytes + top +
                         overhead + mmapped_overhead + program_free;
  if (malloc_rows != malloc_total)
    ledger.problems.push_back(fmt::format(
        "malloc's buckets sum to {} bytes, but its arenas and mmapped chunks hold {}", malloc_rows,
        malloc_total));

  ledger.rows = {
      {"code", "code and libraries (file-backed mappings)", code, false},
      {"stacks", "thread stacks", stacks, false},
      {"objects", "objects reachable with a type", objects, true},
      {"arrays", "scalar arrays reachable with a type", arrays, true},
      {"conservative", "reachable only conservatively", conservative, true},
      {"leaked", "leaked", leaked_bytes, true},
      {"free", "free inside arenas (bins, fastbins, tcache)", free_bytes, true},
      {"program_free", "free inside the program's allocators (pools, heaps, bump regions)",
       program_free, true},
      {"top", "top chunks (kept, not returned to the OS)", top, true},
      {"overhead", "malloc overhead (chunk headers, arena headers, padding; the program's allocators' block and unit headers)", overhead, true},
      {"mmapped", "mmapped chunks' headers and page rounding", mmapped_overhead, true},
      {"other", "other anonymous memory (incl. reserved arena space)", other, false},
  };
  return ledger;
}

}  // namespace heapwalk::walker
