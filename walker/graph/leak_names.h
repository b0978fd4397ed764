// The names the leak phase gives leaked allocations (ProcessGraph::leak_names), compact because
// when a program drops its whole structure every allocation leaks: which allocations are named,
// a bit each (RankedBits), and their kinds in address order, two bytes each (NodeKinds), in
// place of an (allocation, kind) pair of 8 bytes a leak.
#pragma once

#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "walker/graph/kinds.h"
#include "walker/graph/node_kinds.h"
#include "walker/graph/ranked_bits.h"
#include "walker/malloc/allocation_table.h"

namespace heapwalk::walker {

class LeakNames {
 public:
  LeakNames() = default;
  // kinds[i] names allocation nodes[i]; nodes ascending, each below `allocations`.
  LeakNames(size_t allocations, std::span<const NodeId> nodes, std::vector<KindId> kinds)
      : named_(allocations) {
    if (nodes.size() != kinds.size()) throw std::invalid_argument("LeakNames: nodes and kinds differ");
    for (NodeId n : nodes) named_.set(n);
    named_.finish();
    if (named_.count() != nodes.size()) throw std::invalid_argument("LeakNames: repeated node");
    kinds_ = std::move(kinds);
  }

  size_t size() const { return kinds_.size(); }
  // The name of allocation n; nullopt when the leak phase gave it none.
  std::optional<KindId> kind(NodeId n) const {
    if (!named_.test(n)) return std::nullopt;
    return kinds_[named_.rank(n)];
  }
  size_t memory_bytes() const { return named_.memory_bytes() + kinds_.memory_bytes(); }

 private:
  RankedBits named_;
  NodeKinds kinds_;
};

}  // namespace heapwalk::walker
