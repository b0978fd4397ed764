// The direct/indirect split of leaks, as memcheck and LeakSanitizer make it: the graph among
// leaked allocations (every word of a leaked block that points into another leaked block is an
// edge), its strongly connected components, and which components no other leaked component
// points into. One member of each such component (its lowest address) is a direct leak; every
// other leak is indirect. Compact: uint32 arrays over the leaked set, no recursion.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "walker/analysis/strongly_connected.h"
#include "walker/graph/heap_graph.h"
#include "walker/malloc/allocation_table.h"
#include "walker/memory/memory_image.h"

namespace heapwalk::walker {

// A directed graph on nodes 0 … n-1, compressed sparse rows: the out-edges of v are
// targets[offsets[v]] … targets[offsets[v + 1] - 1].
struct CsrGraph {
  std::vector<uint32_t> offsets{0};  // n + 1 entries
  std::vector<uint32_t> targets;

  uint32_t nodes() const { return static_cast<uint32_t>(offsets.size() - 1); }
  uint64_t edges() const { return targets.size(); }

  // From an edge list, in the order given (tests, small graphs).
  static CsrGraph from_edges(uint32_t nodes, const std::vector<std::pair<uint32_t, uint32_t>>& edges);
};

// strongly_connected_components (walker/analysis/strongly_connected.h) over the CSR graph:
// node v is vertex v. Requires fewer than 2^31 nodes. nullopt when interrupted.
std::optional<Components> strong_components(const CsrGraph& graph,
                                            const std::function<bool()>& interrupted = {});

// Per node, 1 for the lowest-numbered node of each component that no edge from another
// component enters; 0 for every other node.
std::vector<uint8_t> direct_nodes(const CsrGraph& graph, const Components& components);

// The edges among the leaked allocations (NodeIds of `table`, sorted by address): node i of the
// graph is leaked[i]; every 8-aligned word of leaked[i]'s usable bytes that points into
// leaked[j], j ≠ i, is an edge i → j (a repeat of the word before's target is dropped). A block
// that cannot be read wholly has no out-edges. Two passes over the blocks: count, then fill.
// nullopt when interrupted.
std::optional<CsrGraph> leak_graph(const MemoryImage& memory, const AllocationTable& table,
                                   const std::vector<NodeId>& leaked,
                                   const std::function<bool()>& interrupted = {});

struct LeakSplit {
  std::vector<uint8_t> direct;  // per leaked allocation (same order): 1 when direct
  uint64_t direct_count = 0;
  uint64_t edges = 0, components = 0;
  // The high-water mark of the split's own arrays (graph, components, index into the leaked
  // set), in bytes: what it adds to the analyzer while it runs.
  uint64_t peak_bytes = 0;
  double graph_seconds = 0, components_seconds = 0;
};

// leak_graph, strong_components, direct_nodes, straight from memory. The commands split over the
// process graph (walker/analysis/leak_split.h); this remains as the tests' oracle for it. nullopt when interrupted.
std::optional<LeakSplit> split_leaks(const MemoryImage& memory, const AllocationTable& table,
                                     const std::vector<NodeId>& leaked,
                                     const std::function<bool()>& interrupted = {});

// The words of leak_graph, in one pass: emit(i, offset, j) for each 8-aligned word at `offset`
// in leaked[i] that points into leaked[j], j ≠ i (a repeat of the word before's target dropped;
// nothing from a block that cannot be read wholly). What builds the leak phase's edges of the
// process graph. False when interrupted.
bool for_each_leak_word(const MemoryImage& memory, const AllocationTable& table,
                        const std::vector<NodeId>& leaked,
                        const std::function<void(uint32_t i, uint64_t offset, uint32_t j)>& emit,
                        const std::function<bool()>& interrupted = {});

}  // namespace heapwalk::walker
