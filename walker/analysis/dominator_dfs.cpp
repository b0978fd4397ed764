#include "walker/analysis/dominator_dfs.h"

#include <algorithm>

#include "walker/analysis/huge_pages.h"

namespace heapwalk::walker::dominator_pass {

// Numbers the reached nodes in DFS preorder: order[i] is the node, parent[i] the index of its DFS
// parent (the root's is 0). Out-edges are taken in CSR order, so the preorder is the same as
// a recursive DFS's. What is visited is a bit per node (2.5 MB for 20 M nodes: it stays in the
// cache, where a 4-byte number per node would miss on every far edge); the numbers are written
// afterwards, from `order`. The node being expanded lives in locals (its next edge, its end, its
// index), so the loop over its edges touches no memory but the edges and the bits; the stack
// holds only the nodes below it.
void depth_first(const HeapGraph& graph, EdgeFilter filter, std::vector<GraphNode>& order,
                 std::vector<Index>& parent, StopCheck& check) {
  const size_t nodes = graph.node_count();
  std::vector<uint64_t> seen((nodes + 63) / 64, 0);
  // Every reached node is written once: sized for all, trimmed at the end.
  reserve_huge(order, nodes);
  reserve_huge(parent, nodes);
  order.resize(nodes);
  parent.resize(nodes);
  GraphNode* out_order = order.data();
  Index* out_parent = parent.data();
  // An explicit stack, so depth costs memory, not recursion.
  struct Frame {
    uint32_t next, end;
    Index index;
  };
  std::vector<Frame> stack(1024);
  size_t depth = 0;
  const uint32_t* first = graph.first_edges().data();
  const GraphNode* targets = graph.all_targets().data();
  const EdgeProvenance* provenance = graph.all_provenance().data();
  uint64_t* bits = seen.data();
  // Weak edges are never followed; conservative ones unless typed alone.
  const uint8_t skip_conservative = filter == EdgeFilter::kTypedOnly;
  auto followed = [&](uint32_t e) {
    const auto p = static_cast<uint8_t>(provenance[e]);
    return p == static_cast<uint8_t>(EdgeProvenance::kTyped) ||
           (p == static_cast<uint8_t>(EdgeProvenance::kConservative) && !skip_conservative);
  };
  constexpr uint32_t kSiblings = 8;  // how many of a node's next edges are looked at ahead
  bits[0] |= 1;  // the root
  out_order[0] = kRootNode;
  out_parent[0] = 0;
  Index count = 1;
  uint32_t e = first[kRootNode], end = first[kRootNode + 1];
  Index index = 0;
  for (;;) {
    for (; e < end; ++e) {
      const GraphNode to = targets[e];
      uint64_t& word = bits[to >> 6];
      const uint64_t bit = uint64_t{1} << (to & 63);
      if ((word & bit) || !followed(e)) continue;
      check();
      word |= bit;
      // The node's other targets come after this one's subtree, often a small one (most
      // edges point at what is visited already): their edge ranges are fetched now, so that
      // going on to them costs one miss (their edges), not two.
      for (uint32_t s = e + 1, stop = std::min(end, e + 1 + kSiblings); s < stop; ++s) {
        const GraphNode sibling = targets[s];
        if (!(bits[sibling >> 6] >> (sibling & 63) & 1)) __builtin_prefetch(&first[sibling]);
      }
      // The next sibling's edges too: its edge range was fetched when this node's previous
      // child was visited.
      if (e + 1 < end) __builtin_prefetch(&targets[first[targets[e + 1]]]);
      if (depth == stack.size()) stack.resize(2 * depth);
      stack[depth++] = {e + 1, end, index};
      out_order[count] = to;
      out_parent[count] = index;
      index = count++;
      e = first[to] - 1;  // the loop's ++e starts at its first edge
      end = first[to + 1];
    }
    if (depth == 0) break;
    const Frame& f = stack[--depth];
    e = f.next;
    end = f.end;
    index = f.index;
    // Going back up, the frames below resume where they left off, long ago: fetch their next
    // edges ahead of time (deep graphs miss the cache there).
    if (depth > 16) {
      const Frame& g = stack[depth - 16];
      __builtin_prefetch(&targets[g.next]);
      __builtin_prefetch(&provenance[g.next]);
    }
  }
  order.resize(count);
  parent.resize(count);
  // The preorder is kept with the tree: give back the room of what was not reached (the
  // parents are dropped with the pass).
  if (count < nodes - nodes / 8) order.shrink_to_fit();
}

// How many followed edges point at each node, from any node (the reached ones are not known
// yet: this runs beside the DFS). Edges from unreached nodes leave slack in the predecessor
// lists, filled below.
void count_in_edges(const HeapGraph& graph, EdgeFilter filter, std::vector<uint32_t>& in_count,
                    const std::atomic<bool>& stop) {
  reserve_huge(in_count, graph.node_count());
  in_count.assign(graph.node_count(), 0);
  const GraphNode* targets = graph.all_targets().data();
  const EdgeProvenance* provenance = graph.all_provenance().data();
  const uint32_t edges = static_cast<uint32_t>(graph.edge_count());
  for (uint32_t e = 0; e < edges; ++e) {
    if ((e & 0xfffff) == 0 && stop) return;
    if (follows(filter, provenance[e])) ++in_count[targets[e]];
  }
}

}  // namespace heapwalk::walker::dominator_pass
