// The heap graph of one stop: node 0 is the synthetic root, node n + 1 is allocation n of the
// AllocationTable (so nodes are sorted by address too); out-edges in CSR form, each with its
// provenance. Analyses (dominators, retained sizes, paths) read it and never walk memory.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "walker/graph/element_counts.h"
#include "walker/graph/kinds.h"
#include "walker/graph/leak_names.h"
#include "walker/graph/node_kinds.h"
#include "walker/malloc/allocation_table.h"

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
  // first_edge has node_count + 1 entries; targets, provenance and where one per edge. Sizes:
  // either `sizes` (one per node, the root's 0), or, with `table` (then `sizes` is empty),
  // the allocation table's usable sizes (node n + 1 is allocation n): no copy, but the table
  // must outlive the graph (a Session's table outlives its graph).
  HeapGraph(std::vector<uint32_t> first_edge, std::vector<GraphNode> targets,
            std::vector<EdgeProvenance> provenance, std::vector<uint32_t> where,
            std::vector<uint64_t> sizes, const AllocationTable* table = nullptr);

  size_t node_count() const { return first_edge_.empty() ? 0 : first_edge_.size() - 1; }
  size_t edge_count() const { return targets_.size(); }
  // The allocation's usable size (0 for the root).
  uint64_t size(GraphNode n) const {
    if (!table_) return sizes_[n];
    return n == kRootNode ? 0 : table_->usable_size(n - 1);
  }
  // A hint that size(n) will be read soon.
  void prefetch_size(GraphNode n) const {
    if (table_) table_->prefetch_usable_size(n - 1);
    else __builtin_prefetch(sizes_.data() + n);
  }

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
  // Every node's first_edge, and one more (the edge count): node_count() + 1 entries.
  std::span<const uint32_t> first_edges() const { return first_edge_; }
  GraphNode target_of(uint32_t edge) const { return targets_[edge]; }
  EdgeProvenance provenance_of(uint32_t edge) const { return provenance_[edge]; }
  uint32_t where_of(uint32_t edge) const { return where_[edge]; }

  // Every edge's target and provenance, by edge index.
  std::span<const GraphNode> all_targets() const { return targets_; }
  std::span<const EdgeProvenance> all_provenance() const { return provenance_; }

  // Bytes the graph itself holds (its in-edges not included; sizes read from an allocation
  // table are the table's).
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
  const AllocationTable* table_ = nullptr;
};

// Collects edges in any order, then sorts them into CSR (a counting sort). The edges wait in
// fixed blocks, one list per field (13 bytes an edge, no reallocation), and build() fills the
// graph's arrays one at a time, freeing each field's blocks once it is placed: at its peak it
// holds 17 bytes an edge and 4 a node.
class HeapGraphBuilder {
 public:
  // sizes[n]: node n's size; sizes[0] is the root's (0).
  explicit HeapGraphBuilder(std::vector<uint64_t> sizes)
      : nodes_(sizes.size()), sizes_(std::move(sizes)) {}
  // Node n + 1 is allocation n of `table`, whose usable sizes the graph reads (the table must
  // outlive the graph).
  explicit HeapGraphBuilder(const AllocationTable& table)
      : nodes_(table.size() + 1), table_(&table) {}
  void add_edge(GraphNode from, GraphNode to, EdgeProvenance provenance, uint32_t where = 0) {
    if (count_ % kBlock == 0) grow();
    const size_t b = count_ / kBlock, i = count_ % kBlock;
    from_[b][i] = from;
    to_[b][i] = to;
    provenance_[b][i] = provenance;
    where_[b][i] = where;
    ++count_;
  }
  size_t edge_count() const { return count_; }
  // The bytes the waiting edges take.
  size_t memory_bytes() const { return from_.size() * kBlock * (3 * sizeof(uint32_t) + 1); }
  HeapGraph build() &&;

 private:
  static constexpr size_t kBlock = size_t{1} << 16;  // edges a block
  template <class T>
  using Blocks = std::vector<std::unique_ptr<T[]>>;
  void grow();

  size_t nodes_ = 0, count_ = 0;
  std::vector<uint64_t> sizes_;
  const AllocationTable* table_ = nullptr;
  Blocks<GraphNode> from_, to_;
  Blocks<EdgeProvenance> provenance_;
  Blocks<uint32_t> where_;
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
  NodeKinds kinds;                       // per allocation; kNoKind where nothing reaches it
  std::vector<KindLayout> kind_layouts;  // by KindId
  std::vector<std::string> root_labels;  // by the `where` of node 0's edges
  // The typed roots come first (labels [0, typed_roots)), static_roots() first among them
  // ([0, static_roots)), with their addresses (root_addresses, by label).
  uint32_t typed_roots = 0, static_roots = 0;
  std::vector<uint64_t> root_addresses;
  // A static object walked through a pointer rather than as a root (a global that another
  // object points into, libc's FILE, a default instance) has a label of its own, from
  // static_objects on (named as the root it lies in, else the root whose walk reached it
  // first): its out-edges are node 0's edges with that label, and static_refs say what points
  // at it, sorted by (from, where). So what some roots reach is a function of the graph
  // (walker/analysis/root_reach.h), also through static objects reached from the heap.
  uint32_t static_objects = 0;  // 0: no such labels
  struct StaticRef {
    GraphNode from;   // node 0 for a root (or another static object), else an allocation's
    uint32_t where;   // as EdgeSource::where
    uint32_t unit;    // the static object's label
    EdgeProvenance provenance;  // typed or weak
  };
  std::vector<StaticRef> static_refs;
  // The element counts of array allocations (what `heap size` prints beside the bytes): not
  // built with the graph (16 bytes a counted array), but on first ask by their own walk
  // (walker/analysis/process_graph.h: element_counts), then kept here. Copies share them.
  struct CountsCache {
    std::mutex mutex;
    std::optional<ElementCounts> counts;
  };
  std::shared_ptr<CountsCache> counts_cache = std::make_shared<CountsCache>();
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
  LeakNames leak_names;
  KindId unnamed_leak = kNoKind;  // the kind of a leak leak_names misses (none should)
  uint64_t words_scanned = 0, leak_typed_edges = 0, leak_conservative_edges = 0;
  double leak_seconds = 0;  // the leak phase's share of the build

  // What the graph and its side tables hold, in bytes.
  size_t memory_bytes() const {
    return graph.memory_bytes() + kinds.memory_bytes() +
           reach_flags.capacity() + leak_names.memory_bytes() +
           static_refs.capacity() * sizeof(StaticRef) + root_addresses.capacity() * 8;
  }
};

}  // namespace heapwalk::walker
