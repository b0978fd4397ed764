#include "walker/analysis/array_ledger.h"

#include <algorithm>
#include <map>

#include "walker/analysis/array_owners.h"
#include "walker/analysis/resident_ledger.h"
#include "walker/graph/heap_reach.h"
#include "walker/graph/node_states.h"
#include "walker/memory/residency.h"

namespace heapwalk::walker {

void add_array_ledger(Ledger& ledger, Session& session, const ProcessGraph& graph,
                      const LeakReport& leaks, const ProcessMappings& mappings) {
  std::span<const uint8_t> reach_flags = graph.reach_flags;
  const ElementCounts* counts = element_counts(session, graph);  // the graph's, or a walk once
  const AllocationTable& table = session.heap().in_use;
  const MemoryImage& memory = session.memory();
  const Residency* residency = memory.residency();
  std::shared_ptr<const CorePages> core;
  if (!residency && !memory.core_path().empty()) core = core_pages(session, mappings);
  // Asked page by page in address order, a page about as often as it holds arrays.
  uint64_t last_page = 1;  // no page
  bool last_resident = false;
  auto resident_page = [&](uint64_t page) -> bool {
    if (page == last_page) return last_resident;
    last_page = page;
    if (residency) return last_resident = residency->page(page) & Residency::kResident;
    return last_resident = core && core->nonzero(page);
  };

  // The arrays the row counts, and the counted ones among them (whose owners are asked).
  std::vector<uint8_t> counted(table.size(), 0);
  std::vector<NodeId> arrays;
  for (NodeId a = 0; a < table.size(); ++a) {
    if (table.block_head(a) || leaks.leaks.contains(a) || !(reach_flags[a] & NodeStates::kTyped) ||
        !(reach_flags[a] & Reachability::kScalarArray))
      continue;
    if (graph_node(a) >= graph.graph.node_count()) continue;
    arrays.push_back(a);
  }
  auto kind_of = [&](NodeId a) { return a < graph.kinds.size() ? graph.kinds[a] : kNoKind; };
  std::vector<uint64_t> elements(arrays.size(), 0);  // where counted[a]
  size_t cursor = 0;  // arrays ascend: the counts are read in one pass
  for (size_t i = 0; i < arrays.size(); ++i) {
    NodeId a = arrays[i];
    KindId k = kind_of(a);
    std::optional<uint64_t> count =
        k == kNoKind || !counts ? std::nullopt : counts->count_ascending(cursor, a, k);
    if (count) elements[i] = *count, counted[a] = 1;
  }
  auto owners_start = std::chrono::steady_clock::now();
  ArrayOwners owners(session.kinds(), graph, counted);
  session.record("ledger: arrays: owners", owners_start);

  // Rows by kind id (a string per kind, not per array), merged by name at the end.
  std::map<KindId, ArrayTypeRow> by_kind;
  KindId last_kind = kNoKind;
  ArrayTypeRow* last_row = nullptr;  // arrays come in runs of one kind
  for (size_t i = 0; i < arrays.size(); ++i) {
    NodeId a = arrays[i];
    if (!last_row || kind_of(a) != last_kind) last_kind = kind_of(a), last_row = &by_kind[last_kind];
    ArrayTypeRow& row = *last_row;
    row.arrays += 1;
    uint64_t start = table.address(a), end = table.end(a);
    row.bytes += end - start;
    for (uint64_t p = start & ~(kPageSize - 1); p < end; p += kPageSize)
      if (resident_page(p)) row.resident += std::min(end, p + kPageSize) - std::max(start, p);
    if (!counted[a]) {
      row.uncounted += 1;
      continue;
    }
    row.elements += elements[i];
    uint64_t n = owners.owners(graph_node(a));
    row.owned_elements += elements[i] * n;
    if (n > 1) {
      row.shared_arrays += 1;
      row.shared_elements += elements[i];
      row.shared_owners += n;
    }
  }
  std::map<std::string, ArrayTypeRow> rows;
  for (auto& [k, r] : by_kind) {
    std::string kind = k == kNoKind ? "<unreached>" : session.kinds().name(k);
    ArrayTypeRow& row = rows[kind];
    row.kind = kind;
    row.arrays += r.arrays;
    row.bytes += r.bytes;
    row.resident += r.resident;
    row.elements += r.elements;
    row.uncounted += r.uncounted;
    row.shared_arrays += r.shared_arrays;
    row.shared_elements += r.shared_elements;
    row.shared_owners += r.shared_owners;
    row.owned_elements += r.owned_elements;
  }
  ledger.arrays.clear();
  for (auto& [_, row] : rows) ledger.arrays.push_back(std::move(row));
  std::sort(ledger.arrays.begin(), ledger.arrays.end(),
            [](const ArrayTypeRow& a, const ArrayTypeRow& b) {
              return a.bytes != b.bytes ? a.bytes > b.bytes : a.kind < b.kind;
            });
}

}  // namespace heapwalk::walker
