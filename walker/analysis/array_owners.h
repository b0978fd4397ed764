// How many owners each counted array has, as the arrays ledger counts them (shared buffers):
// the distinct nodes that hold a typed pointer to it; when that is one object that shared_ptrs
// hold (a make_shared block, or an object a control block points to), the holders of that
// object's typed pointers that are not control blocks. Found in passes over the out-edges
// (bitmaps of "owned once / twice", exact counts only where there are two or more), not from
// the full reverse index.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "walker/graph/heap_graph.h"
#include "walker/graph/kinds.h"

namespace heapwalk::walker {

class ArrayOwners {
 public:
  // wanted: per allocation, nonzero for the arrays whose owners are asked.
  ArrayOwners(const KindTable& kinds, const ProcessGraph& graph, const std::vector<uint8_t>& wanted);

  // Owners of a wanted array's graph node (at least 1).
  uint64_t owners(GraphNode array) const;

 private:
  std::vector<uint8_t> state_;  // per graph node: the bits below
  std::unordered_map<GraphNode, uint32_t> many_;  // owners, where two or more
};

}  // namespace heapwalk::walker
