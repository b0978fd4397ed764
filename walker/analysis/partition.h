// A Heapy partition: a set of allocations grouped by kind.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "walker/graph/heap_graph.h"

namespace heapwalk::walker {

struct PartitionRow {
  PartitionRow() = default;
  PartitionRow(std::string kind_, uint64_t count_, uint64_t size_)
      : kind(std::move(kind_)), count(count_), size(size_) {}

  std::string kind;
  uint64_t count = 0;
  uint64_t size = 0;  // bytes (usable sizes)
  // The row's allocations (AllocationTable node ids, by address): a row is a selection that
  // later commands take (heap shpaths 0, heap referrers 2). Empty where a report has none.
  std::vector<uint32_t> nodes;
  uint64_t retained = 0;  // with Partition::has_retained: what would be freed with the row
  std::string path;       // heap partition --by module: the module's full path ("" for none)
};

struct Partition {
  uint64_t count = 0;  // objects in the set
  uint64_t size = 0;   // bytes in the set
  std::vector<PartitionRow> rows;  // largest size first; ties by count, then kind
  bool has_retained = false;       // rows carry retained sizes (heap partition --retained)
  uint64_t reached_size = 0;       // with has_retained: all the roots reach, the Retained % base
};

// Sorts rows as Heapy does and fills the totals.
Partition make_partition(std::vector<PartitionRow> rows);

// The whole-process partition by kind, a function of the graph: the allocations node 0 reaches
// through the root edges `root` admits (by root label; all when empty), the static objects on
// the way and the edges `filter` follows (weak ones never: root_reach.h), grouped by graph.kinds (`unnamed` where a reached
// allocation has none). With kTypedOnly, an allocation counts only when typed at its start
// (reach_flags): a typed pointer into its middle alone does not name it.
Partition partition_reached(const ProcessGraph& graph, const KindTable& kinds, EdgeFilter filter,
                            KindId unnamed, const std::function<bool(uint32_t label)>& root = {});
// The same grouping of the allocations `seen` marks (per graph node: root_reach.h's sets).
Partition partition_of_reached(const ProcessGraph& graph, const KindTable& kinds, EdgeFilter filter,
                               KindId unnamed, const std::vector<uint8_t>& seen);

}  // namespace heapwalk::walker
