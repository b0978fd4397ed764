#include "walker/analysis/leaks.h"

#include <malloc.h>
#include <algorithm>
#include <chrono>

#include "walker/analysis/leak_split.h"
#include "walker/analysis/process_graph.h"

namespace heapwalk::walker {

std::vector<NodeId> leaks_of(const HeapGraph& graph) {
  RankedBits unreached = unreached_allocations(graph);
  std::vector<NodeId> leaked;
  leaked.reserve(unreached.count());
  for (size_t n = unreached.next(0); n < unreached.size(); n = unreached.next(n + 1))
    leaked.push_back(static_cast<NodeId>(n));
  return leaked;
}

std::optional<LeakReport> find_leaks(std::shared_ptr<const ProcessGraph> graph,
                                     const std::function<bool()>& interrupted) {
  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  auto start = Clock::now();
  RankedBits leaked = unreached_allocations(graph->graph);
  if (interrupted && interrupted()) return std::nullopt;
  double set_seconds = seconds_since(start);
  // Direct: one member of each strongly connected component no other leak points to.
  start = Clock::now();
  auto split = split_leak_set(graph->graph, leaked, interrupted);
  if (!split) return std::nullopt;
  LeakReport report;
  report.split = {split->edges, split->components, split->peak_bytes + leaked.memory_bytes(),
                  set_seconds, seconds_since(start)};
  report.direct = split->direct_count;
  report.indirect = leaked.count() - split->direct_count;
  report.leaks = LeakList(std::move(graph), std::move(leaked), std::move(split->direct));
  return report;
}

std::optional<LeakReport> session_leaks(Session& session,
                                        const std::function<bool()>& interrupted) {
  auto graph = process_graph(session, interrupted);
  if (!graph) return std::nullopt;
  auto start = std::chrono::steady_clock::now();
  auto report = find_leaks(std::move(graph), interrupted);
  session.record("leaks: direct/indirect", start);
  // The split's arrays (about 9 bytes a leak at their peak) are freed in the middle of malloc's
  // heap, where free() keeps them resident: give their pages back.
  malloc_trim(0);
  return report;
}

Partition LeakReport::partition(const KindTable& kinds, const AllocationTable& table) const {
  // Count first, so that each row's node list is allocated once at its size: with every
  // allocation leaked, doubling vectors would hold up to twice the 4 bytes a leak.
  std::vector<PartitionRow> rows(kinds.size());
  for (const Leak& leak : leaks) {
    rows[leak.kind].count += 1;
    rows[leak.kind].size += table.usable_size(leak.node);
  }
  for (PartitionRow& row : rows) row.nodes.reserve(row.count);
  for (const Leak& leak : leaks) rows[leak.kind].nodes.push_back(leak.node);
  std::vector<PartitionRow> used;
  for (KindId k = 0; k < rows.size(); ++k)
    if (rows[k].count) {
      rows[k].kind = kinds.name(k);
      used.push_back(std::move(rows[k]));
    }
  return make_partition(std::move(used));
}

}  // namespace heapwalk::walker
