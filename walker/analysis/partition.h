// A Heapy partition: a set of allocations grouped by kind.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace heapwalk::walker {

struct PartitionRow {
  std::string kind;
  uint64_t count = 0;
  uint64_t size = 0;  // bytes (usable sizes)
};

struct Partition {
  uint64_t count = 0;  // objects in the set
  uint64_t size = 0;   // bytes in the set
  std::vector<PartitionRow> rows;  // largest size first; ties by count, then kind
};

// Sorts rows as Heapy does and fills the totals.
Partition make_partition(std::vector<PartitionRow> rows);

}  // namespace heapwalk::walker
