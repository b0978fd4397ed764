// The heap graph of one stop: node 0 is the synthetic root, node n + 1 is allocation n of the
// AllocationTable (so nodes are sorted by address too); out-edges in CSR form, each with its
// provenance. Analyses (dominators, retained sizes, paths) read it and never walk memory.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "walker/graph/element_counts.h"
#include "walker/graph/kinds.h"

namespace heapwalk::walker {

using GraphNode = uint32_t;
inline constexpr GraphNode kRootNode = 0;

// Where an edge comes from. Weak edges (weak_ptr, a control block's managed pointer) never keep
// anything alive; conservative ones are words that happen to point into an allocation.
enum class EdgeProvenance : uint8_t { kTyped, kWeak, kConservative };

// Which edges an analysis follows.
enum class EdgeFilter : uint8_t {
  kOwning,     // typed and conservative (the default: weak edges never count)
  kTypedOnly,  // typed alone (--typed-only: how much an answer rests on conservative guesses)
};

inline bool follows(EdgeFilter filter, EdgeProvenance p) {
  return p == EdgeProvenance::kTyped ||
         (p == EdgeProvenance::kConservative && filter == EdgeFilter::kOwning);
}

// Where an edge starts: in an allocation (node n + 1, `where` = the byte offset of the pointer,
// or of the container holding it, in the allocation), or at a root (node 0, `where` = the
// root's label index).
struct EdgeSource {
  GraphNode node = kRootNode;
  uint64_t start = 0;       // the allocation's address
  uint32_t root_label = 0;  // for node 0

  uint32_t where(uint64_t address) const {
    if (node == kRootNode) return root_label;
    return static_cast<uint32_t>(std::min<uint64_t>(address - start, UINT32_MAX));
  }
};

class ReverseEdges;  // walker/graph/reverse_edges.h

using EdgeSink = std::function<void(GraphNode from, uint32_t where, GraphNode to, EdgeProvenance)>;

class HeapGraph {
 public:
  HeapGraph() = default;
  // first_edge has node_count + 1 entries; targets, provenance and where one per edge.
  HeapGraph(std::vector<uint32_t> first_edge, std::vector<GraphNode> targets,
            std::vector<EdgeProvenance> provenance, std::vector<uint32_t> where,
            std::vector<uint64_t> sizes);

  size_t node_count() const { return sizes_.size(); }
  size_t edge_count() const { return targets_.size(); }
  // The allocation's usable size (0 for the root).
  uint64_t size(GraphNode n) const { return sizes_[n]; }

  std::span<const GraphNode> targets(GraphNode n) const {
    return {targets_.data() + first_edge_[n], targets_.data() + first_edge_[n + 1]};
  }
  std::span<const EdgeProvenance> provenance(GraphNode n) const {
    return {provenance_.data() + first_edge_[n], provenance_.data() + first_edge_[n + 1]};
  }
  // EdgeSource::where of each out-edge.
  std::span<const uint32_t> where(GraphNode n) const {
    return {where_.data() + first_edge_[n], where_.data() + first_edge_[n + 1]};
  }

  // Edges by index: node n's out-edges are [first_edge(n), first_edge(n + 1)).
  uint32_t first_edge(GraphNode n) const { return first_edge_[n]; }
  GraphNode target_of(uint32_t edge) const { return targets_[edge]; }
  EdgeProvenance provenance_of(uint32_t edge) const { return provenance_[edge]; }
  uint32_t where_of(uint32_t edge) const { return where_[edge]; }

  // Every edge's target and provenance, by edge index; every node's size.
  std::span<const GraphNode> all_targets() const { return targets_; }
  std::span<const EdgeProvenance> all_provenance() const { return provenance_; }
  std::span<const uint64_t> sizes() const { return sizes_; }

  // Bytes the graph itself holds (its in-edges not included).
  size_t memory_bytes() const;

  // The in-edges of every node (walker/graph/reverse_edges.h): built on first call (4 bytes a
  // node, 8 an edge), then kept with the graph, which never changes once built. Thread-safe;
  // copies of a graph share them.
  const ReverseEdges& in_edges() const;

 private:
  struct InEdgesCache {
    std::once_flag once;
    std::shared_ptr<const ReverseEdges> edges;
  };
  std::shared_ptr<InEdgesCache> in_edges_ = std::make_shared<InEdgesCache>();
  std::vector<uint32_t> first_edge_;
  std::vector<GraphNode> targets_;
  std::vector<EdgeProvenance> provenance_;
  std::vector<uint32_t> where_;
  std::vector<uint64_t> sizes_;
};

// Collects edges in any order, then sorts them into CSR (a counting sort: two passes).
class HeapGraphBuilder {
 public:
  // sizes[n]: node n's size; sizes[0] is the root's (0).
  explicit HeapGraphBuilder(std::vector<uint64_t> sizes) : sizes_(std::move(sizes)) {}
  void add_edge(GraphNode from, GraphNode to, EdgeProvenance provenance, uint32_t where = 0) {
    from_.push_back(from);
    to_.push_back(to);
    provenance_.push_back(provenance);
    where_.push_back(where);
  }
  size_t edge_count() const { return from_.size(); }
  void reserve(size_t edges) {
    from_.reserve(edges);
    to_.reserve(edges);
    provenance_.reserve(edges);
    where_.reserve(edges);
  }
  HeapGraph build() &&;

 private:
  std::vector<uint64_t> sizes_;
  std::vector<GraphNode> from_, to_;
  std::vector<EdgeProvenance> provenance_;
  std::vector<uint32_t> where_;
};

// The graph of a whole process at one stop, from all its roots (what retention reads).
// The type a kind names (an object of it, or an array of it), to label edges by field.
struct KindLayout {
  uint32_t layout = UINT32_MAX;  // a typeinfo::LayoutId; UINT32_MAX: the kind names no type
  bool array = false;            // a buffer of elements
  bool keyed = false;            // a map's node: its value is a std::pair<const K, V>
  uint32_t value_offset = 0;     // where the value starts in a container's node
};

struct ProcessGraph {
  HeapGraph graph;                       // node n + 1 is allocation n
  std::vector<KindId> kinds;             // per allocation; kNoKind where nothing reaches it
  std::vector<KindLayout> kind_layouts;  // by KindId
  std::vector<std::string> root_labels;  // by the `where` of node 0's edges
  ElementCounts element_counts;          // array allocations' element counts (heap size)
  // What the walk found, for --timings.
  uint64_t typed_edges = 0, weak_edges = 0, conservative_edges = 0;

  // Per allocation, how the reach from the roots found it: NodeStates flags (kTyped,
  // kConservative) and Reachability::kScalarArray (what the ledger's buckets read).
  std::vector<uint8_t> reach_flags;
  // The leak phase. Allocations no root reaches have their own out-edges in `graph` too, to the
  // other such allocations (typed from a vtable where the walk can, else every word that points
  // into one): they change nothing the root reaches. Their names, by node (ascending): the
  // vtable's type, a type reached through typed pointers from a leaked typed object, or
  // "<untyped N bytes>".
  struct LeakName {
    uint32_t node = 0;  // allocation (not graph node)
    KindId kind = kNoKind;
  };
  std::vector<LeakName> leak_names;
  KindId unnamed_leak = kNoKind;  // the kind of a leak leak_names misses (none should)
  uint64_t words_scanned = 0, leak_typed_edges = 0, leak_conservative_edges = 0;
  double leak_seconds = 0;  // the leak phase's share of the build

  // What the graph and its side tables hold, in bytes.
  size_t memory_bytes() const {
    return graph.memory_bytes() + kinds.capacity() * sizeof(KindId) +
           reach_flags.capacity() + leak_names.capacity() * sizeof(LeakName);
  }
};

}  // namespace heapwalk::walker
