#include "walker/analysis/partition.h"

#include <algorithm>
#include <tuple>

#include "walker/analysis/root_reach.h"
#include "walker/graph/node_states.h"

namespace heapwalk::walker {

Partition make_partition(std::vector<PartitionRow> rows) {
  // Heapy lists the largest kinds first; count and then kind make the order total, so a report
  // reads the same on every run.
  std::sort(rows.begin(), rows.end(), [](const PartitionRow& a, const PartitionRow& b) {
    return std::tie(b.size, b.count, a.kind) < std::tie(a.size, a.count, b.kind);
  });
  Partition partition;
  for (const PartitionRow& row : rows) {
    partition.count += row.count;
    partition.size += row.size;
  }
  partition.rows = std::move(rows);
  return partition;
}

Partition partition_reached(const ProcessGraph& graph, const KindTable& kinds, EdgeFilter filter,
                            KindId unnamed, const std::function<bool(uint32_t label)>& root) {
  return partition_of_reached(graph, kinds, filter, unnamed, reached_from_labels(graph, filter, root));
}

Partition partition_of_reached(const ProcessGraph& graph, const KindTable& kinds, EdgeFilter filter,
                               KindId unnamed, const std::vector<uint8_t>& seen) {
  const HeapGraph& g = graph.graph;
  std::vector<PartitionRow> rows(kinds.size());
  for (GraphNode node = 1; node < g.node_count(); ++node) {
    if (!seen[node]) continue;
    uint32_t n = node - 1;
    if (filter == EdgeFilter::kTypedOnly && !(graph.reach_flags[n] & NodeStates::kTyped)) continue;
    KindId kind = graph.kinds[n] == kNoKind ? unnamed : graph.kinds[n];
    if (kind >= rows.size()) rows.resize(kind + 1);
    rows[kind].count += 1;
    rows[kind].size += g.size(node);
    rows[kind].nodes.push_back(n);
  }
  std::vector<PartitionRow> used;
  for (KindId k = 0; k < rows.size(); ++k) {
    if (rows[k].count == 0) continue;
    rows[k].kind = kinds.name(k);
    used.push_back(std::move(rows[k]));
  }
  return make_partition(std::move(used));
}

}  // namespace heapwalk::walker
