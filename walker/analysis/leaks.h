// Leaks: allocations in use that no root reaches, even conservatively; split as memcheck and
// LeakSanitizer do into direct leaks and indirect ones (reachable only from other leaks).
// Functions of the process graph: its reach from node 0 says what leaks, the leak phase's
// edges among leaked allocations make the split, its leak names the kinds.
#pragma once

#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <vector>

#include "walker/analysis/partition.h"
#include "walker/graph/heap_graph.h"
#include "walker/graph/ranked_bits.h"
#include "walker/session.h"

namespace heapwalk::walker {

struct Leak {  // 8 bytes: reports may hold millions
  NodeId node = 0;
  uint32_t kind : 31 = 0;  // a KindId
  uint32_t direct : 1 = 0;
};

// What the direct/indirect split (walker/leak_components.h) built, for --timings.
struct LeakSplitStats {
  uint64_t edges = 0, components = 0;
  uint64_t peak_bytes = 0;  // the split's arrays at their largest
  double graph_seconds = 0, components_seconds = 0;  // the leaked set and its index; the rest
};

// The leaks, by address, as Leak values: a bit per allocation for which leak and which is
// direct, and the names from the graph's leak_names (which it keeps alive), not 8 bytes a leak:
// when a program drops its whole structure, every allocation leaks.
class LeakList {
 public:
  LeakList() = default;
  LeakList(std::shared_ptr<const ProcessGraph> graph, RankedBits leaked, RankedBits direct)
      : graph_(std::move(graph)), leaked_(std::move(leaked)), direct_(std::move(direct)) {}

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Leak;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Leak;
    iterator() = default;
    iterator(const LeakList* list, size_t node) : list_(list), node_(node) {}
    Leak operator*() const { return list_->leak(static_cast<NodeId>(node_)); }
    iterator& operator++() {
      node_ = list_->leaked_.next(node_ + 1);
      return *this;
    }
    iterator operator++(int) {
      iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const iterator& other) const { return node_ == other.node_; }

   private:
    const LeakList* list_ = nullptr;
    size_t node_ = 0;
  };

  iterator begin() const { return {this, leaked_.next(0)}; }
  iterator end() const { return {this, leaked_.size()}; }
  size_t size() const { return leaked_.count(); }
  bool empty() const { return size() == 0; }
  bool contains(NodeId node) const { return leaked_.test(node); }
  size_t memory_bytes() const { return leaked_.memory_bytes() + direct_.memory_bytes(); }

 private:
  Leak leak(NodeId node) const {
    Leak leak;
    leak.node = node;
    leak.kind = graph_->leak_names.kind(node).value_or(graph_->unnamed_leak);
    leak.direct = direct_.test(node);
    return leak;
  }

  std::shared_ptr<const ProcessGraph> graph_;
  RankedBits leaked_, direct_;  // per allocation
};

struct LeakReport {
  LeakList leaks;  // by address
  uint64_t direct = 0, indirect = 0;
  LeakSplitStats split;

  Partition partition(const KindTable& kinds, const AllocationTable& table) const;
};

// The allocations (ascending; node n + 1 of the graph is allocation n) that no path from node 0
// reaches through any edge: weak edges count (a weak_ptr keeps its control block allocated), so
// do conservative ones.
std::vector<NodeId> leaks_of(const HeapGraph& graph);

// leaks_of, the direct/indirect split over the graph's edges among leaked allocations (a leaked
// cycle that nothing else leaked points to has one direct member, its lowest address), and
// their kinds from graph.leak_names: the vtable's dynamic type; else a type inferred through
// typed pointers from leaked typed objects; else "<untyped N bytes>". nullopt when interrupted.
std::optional<LeakReport> find_leaks(std::shared_ptr<const ProcessGraph> graph,
                                     const std::function<bool()>& interrupted = {});

// The session's process graph (built on first use) and find_leaks over it, timed.
std::optional<LeakReport> session_leaks(Session& session,
                                        const std::function<bool()>& interrupted = {});

}  // namespace heapwalk::walker
