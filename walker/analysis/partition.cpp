#include "walker/analysis/partition.h"

#include <algorithm>
#include <tuple>

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

}  // namespace heapwalk::walker
