#include "walker/analysis/dominator_dfs.h"

#include <algorithm>

#include "walker/analysis/huge_pages.h"

namespace heapwalk::walker::dominator_pass {

namespace {

bool test_bit(const std::vector<uint64_t>& bits, uint32_t i) { return bits[i >> 6] >> (i & 63) & 1; }

}  // namespace

// Numbers the reached nodes in DFS preorder: order[i] is the node, parent[i] the index of its
// DFS parent (the root's is 0). Out-edges are taken in CSR order, so the preorder is the same as
// a recursive DFS's. What is visited is a bit per node (2.5 MB for 20 M nodes: it stays in the
// cache, where a 4-byte number per node would miss on every far edge); the numbers are written
// afterwards, from `order`.
void depth_first(const HeapGraph& graph, EdgeFilter filter, std::vector<GraphNode>& order,
                 std::vector<Index>& parent, StopCheck& check) {
  const size_t nodes = graph.node_count();
  std::vector<uint64_t> seen((nodes + 63) / 64, 0);
  reserve_huge(order, nodes);
  reserve_huge(parent, nodes);
  // An explicit stack, so depth costs memory, not recursion: per node on it, the next and the
  // end of its out-edges (as edge indices) and its preorder index.
  struct Frame {
    uint32_t next, end;
    Index index;
  };
  std::vector<Frame> stack;
  const uint32_t* first = graph.first_edges().data();
  const GraphNode* targets = graph.all_targets().data();
  const EdgeProvenance* provenance = graph.all_provenance().data();
  auto unvisited = [&](uint32_t e) {
    return follows(filter, provenance[e]) && !test_bit(seen, targets[e]);
  };
  auto visit = [&](GraphNode node, Index parent_index) {
    seen[node >> 6] |= uint64_t{1} << (node & 63);
    stack.push_back({first[node], first[node + 1], static_cast<Index>(order.size())});
    order.push_back(node);
    parent.push_back(parent_index);
  };
  constexpr uint32_t kSiblings = 8;  // how many of a node's next edges are looked at ahead
  visit(kRootNode, 0);
  while (!stack.empty()) {
    check();
    Frame& f = stack.back();
    uint32_t e = f.next;
    while (e < f.end && !unvisited(e)) ++e;
    if (e < f.end) {
      f.next = e + 1;
      // The node's other unvisited targets come after this one's subtree, often a small one
      // (most edges point at what is visited already): their edge ranges are fetched now, so
      // that going on to them costs one miss (their edges), not two.
      for (uint32_t s = e + 1, stop = std::min(f.end, e + 1 + kSiblings); s < stop; ++s)
        if (unvisited(s)) __builtin_prefetch(&first[targets[s]]);
      visit(targets[e], f.index);  // f is stale from here
      continue;
    }
    stack.pop_back();
    // Going back up, the frames below resume where they left off, long ago: fetch their next
    // edges ahead of time (deep graphs miss the cache there).
    const size_t k = stack.size();
    if (k > 16) {
      const Frame& g = stack[k - 16];
      __builtin_prefetch(&targets[g.next]);
      __builtin_prefetch(&provenance[g.next]);
    }
  }
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
