// A set of allocations broken down by kind, with element counts for array kinds (the
// Topographica guide's n_bytes / n_conns): `float[]: 578 arrays, 1,064,622 elements, 4.1 MiB`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "walker/analysis/process_graph.h"

namespace heapwalk::walker {

struct KindTotal {
  std::string kind;
  uint64_t count = 0;  // allocations
  uint64_t bytes = 0;  // usable sizes
  // A buffer of elements (T[], a recognizer's array): the elements below are meaningful.
  bool array = false;
  // The elements the owners of its arrays hold (a vector's size, new T[n]'s n, an Eigen
  // matrix's rows x cols), summed over the arrays whose count is known; never usable bytes /
  // sizeof(T).
  uint64_t elements = 0;
  uint64_t uncounted = 0;  // arrays of the kind no owner gave a count for (reached otherwise)
};

// The allocations of `set` (by graph node; the root is never counted) by kind, largest bytes
// first, ties by count, then name.
// `counts`: the graph's element counts (walker/analysis/process_graph.h: element_counts).
std::vector<KindTotal> kind_breakdown(Session& session, const ProcessGraph& graph,
                                      const ElementCounts& counts, const std::vector<bool>& set);

}  // namespace heapwalk::walker
