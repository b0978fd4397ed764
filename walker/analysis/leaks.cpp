#include "walker/analysis/leaks.h"

#include <malloc.h>
#include <algorithm>

#include "walker/analysis/leak_components.h"
#include "walker/analysis/process_graph.h"

namespace heapwalk::walker {

std::vector<NodeId> leaks_of(const HeapGraph& graph) {
  const size_t nodes = graph.node_count();
  std::vector<uint8_t> seen(nodes, 0);
  std::vector<GraphNode> stack;
  if (nodes) {
    seen[kRootNode] = 1;
    stack.push_back(kRootNode);
  }
  while (!stack.empty()) {
    GraphNode n = stack.back();
    stack.pop_back();
    for (GraphNode t : graph.targets(n))
      if (!seen[t]) {
        seen[t] = 1;
        stack.push_back(t);
      }
  }
  std::vector<NodeId> leaked;
  leaked.reserve(static_cast<size_t>(std::count(seen.begin(), seen.end(), uint8_t{0})));
  for (GraphNode n = 1; n < nodes; ++n)
    if (!seen[n]) leaked.push_back(allocation_of(n));
  return leaked;
}

std::optional<LeakReport> find_leaks(const ProcessGraph& graph,
                                     const std::function<bool()>& interrupted) {
  std::vector<NodeId> leaked = leaks_of(graph.graph);
  if (interrupted && interrupted()) return std::nullopt;
  // Direct: one member of each strongly connected component no other leak points to.
  auto split = split_leaks(graph.graph, leaked, interrupted);
  if (!split) return std::nullopt;
  LeakReport report;
  report.split = {split->edges, split->components, split->peak_bytes, split->graph_seconds,
                  split->components_seconds};
  report.leaks.reserve(leaked.size());
  auto name = graph.leak_names.begin();
  for (uint32_t i = 0; i < leaked.size(); ++i) {
    Leak leak;
    leak.node = leaked[i];
    leak.direct = split->direct[i] != 0;
    // Both by address: a merge.
    while (name != graph.leak_names.end() && name->node < leak.node) ++name;
    leak.kind = name != graph.leak_names.end() && name->node == leak.node ? name->kind
                                                                           : graph.unnamed_leak;
    (leak.direct ? report.direct : report.indirect) += 1;
    report.leaks.push_back(leak);
  }
  return report;
}

std::optional<LeakReport> session_leaks(Session& session,
                                        const std::function<bool()>& interrupted) {
  auto graph = process_graph(session, interrupted);
  if (!graph) return std::nullopt;
  auto start = std::chrono::steady_clock::now();
  auto report = find_leaks(*graph, interrupted);
  session.record("leaks: direct/indirect", start);
  // The split's arrays (16 bytes a leak at their peak) are freed in the middle of malloc's heap,
  // where free() keeps them resident: give their pages back.
  malloc_trim(0);
  return report;
}

Partition LeakReport::partition(const KindTable& kinds, const AllocationTable& table) const {
  std::vector<PartitionRow> rows(kinds.size());
  for (const Leak& leak : leaks) {
    rows[leak.kind].count += 1;
    rows[leak.kind].size += table.usable_size(leak.node);
    rows[leak.kind].nodes.push_back(leak.node);
  }
  std::vector<PartitionRow> used;
  for (KindId k = 0; k < rows.size(); ++k)
    if (rows[k].count) {
      rows[k].kind = kinds.name(k);
      used.push_back(std::move(rows[k]));
    }
  return make_partition(std::move(used));
}

}  // namespace heapwalk::walker
