#include "walker/analysis/retention.h"

#include "walker/progress.h"

#include <algorithm>
#include <string>

#include "walker/analysis/huge_pages.h"

namespace heapwalk::walker {

namespace {

// The node whose out-edges hold edge `e`: the last whose first edge is at or before it.
GraphNode source_of(const HeapGraph& graph, uint32_t e) {
  size_t low = 0, high = graph.node_count();  // first_edge has node_count + 1 entries
  while (low < high) {
    const size_t middle = (low + high) / 2;
    if (graph.first_edge(static_cast<GraphNode>(middle)) <= e) low = middle + 1;
    else high = middle;
  }
  return static_cast<GraphNode>(low - 1);
}

}  // namespace

GraphNode ShortestPaths::parent(const HeapGraph& graph, GraphNode n) const {
  return n == kRootNode || steps[n].via == kNoEdge ? kRootNode : source_of(graph, steps[n].via);
}

std::vector<uint32_t> ShortestPaths::edges_to(const HeapGraph& graph, GraphNode n) const {
  std::vector<uint32_t> edges;
  while (n != kRootNode && steps[n].via != kNoEdge) {
    edges.push_back(steps[n].via);
    n = source_of(graph, steps[n].via);
  }
  std::reverse(edges.begin(), edges.end());
  return edges;
}

namespace {

// The breadth-first search of shortest_paths: the reached bits, the paths, and every reached
// node in the order it was reached (each level of the search a slice of it).
class PathSearch {
 public:
  PathSearch(const HeapGraph& graph, ShortestPaths& paths, const std::function<bool()>& interrupted)
      : graph_(graph),
        targets_(graph.all_targets().data()),
        provenance_(graph.all_provenance().data()),
        paths_(paths),
        interrupted_(interrupted),
        seen_((graph.node_count() + 63) / 64, 0),
        candidates_(seen_.size(), 0) {
    reserve_huge(order_, graph.node_count());
    mark(kRootNode);
    order_.push_back(kRootNode);
  }

  // Typed edges only, level by level from the root. Notes the nodes with a conservative edge
  // to a node not reached when they were expanded: the only ones a second pass can start from.
  void typed_pass() {
    size_t begin = 0;
    for (uint32_t level = 1; begin < order_.size(); ++level) {
      const size_t end = order_.size();
      expand<true>(order_.data() + begin, end - begin, EdgeFilter::kTypedOnly, level);
      begin = end;
    }
  }

  // Every edge `filter` allows, from what the typed pass reached: only a conservative edge to
  // a node still unreached can reach more. Starts from the reached nodes that have one, in the
  // order they were reached (the paths are the same as from all of them). They are among the
  // candidates, checked in address order (nearly sequential reads); most heaps have none.
  void conservative_pass(EdgeFilter filter) {
    bool any = false;
    for (size_t w = 0; w < candidates_.size(); ++w)
      for (uint64_t bits = candidates_[w]; bits; bits &= bits - 1) {
        const GraphNode v = static_cast<GraphNode>(w * 64 + __builtin_ctzll(bits));
        const uint32_t end = graph_.first_edge(v + 1);
        bool start = false;
        for (uint32_t e = graph_.first_edge(v); e < end && !start; ++e)
          start = provenance_[e] == EdgeProvenance::kConservative && !seen(targets_[e]);
        if (start) any = true;
        else candidates_[w] &= ~(uint64_t{1} << (v & 63));
      }
    if (!any) return;
    std::vector<GraphNode> starts;
    for (GraphNode v : order_)
      if (candidates_[v >> 6] >> (v & 63) & 1) starts.push_back(v);
    candidates_ = {};
    size_t begin = order_.size();
    expand<false>(starts.data(), starts.size(), filter, 0);
    while (begin < order_.size()) {
      const size_t end = order_.size();
      expand<false>(order_.data() + begin, end - begin, filter, 0);
      begin = end;
    }
  }

 private:
  bool seen(GraphNode v) const { return seen_[v >> 6] >> (v & 63) & 1; }
  void mark(GraphNode v) { seen_[v >> 6] |= uint64_t{1} << (v & 63); }

  // One level: the unreached targets of `frontier`'s edges, in the order the edges are met,
  // appended to order_. In the typed pass every frontier node is `level - 1` edges from the
  // root; in the other its own depth says.
  template <bool kTyped>
  void expand(const GraphNode* frontier, size_t size, EdgeFilter pass, uint32_t level) {
    // A breadth-first order jumps through memory, but the frontier is known ahead: read the
    // edge ranges of a block of nodes two blocks ahead (independent loads: their misses
    // overlap), fetch the edges of the next block, expand this one.
    Block blocks[3];
    auto gather = [&](Block& b, size_t at) {
      b.count = std::min(kBlock, size > at ? size - at : 0);
      for (size_t i = 0; i < b.count; ++i) {
        const GraphNode v = frontier[at + i];
        b.begin[i] = graph_.first_edge(v);
        b.end[i] = graph_.first_edge(v + 1);
        if constexpr (!kTyped) b.depth[i] = paths_.steps[v].depth + 1;
      }
    };
    auto fetch = [&](const Block& b) {
      for (size_t i = 0; i < b.count; ++i) {
        __builtin_prefetch(targets_ + b.begin[i]);
        __builtin_prefetch(provenance_ + b.begin[i]);
      }
    };
    gather(blocks[0], 0);
    fetch(blocks[0]);
    gather(blocks[1], kBlock);
    for (size_t at = 0, b = 0; at < size; at += kBlock, b = (b + 1) % 3) {
      if (interrupted_ && (steps_ += kBlock) >= (1u << 20)) {
        steps_ = 0;
        if (interrupted_()) throw Interrupted();
      }
      gather(blocks[(b + 2) % 3], at + 2 * kBlock);
      const Block& block = blocks[b];
      const Block& next = blocks[(b + 1) % 3];
      for (size_t i = 0; i < block.count; ++i) {
        // The next block's edges, one node at a time (a burst of prefetches would overflow
        // the miss buffers).
        if (i < next.count) {
          __builtin_prefetch(targets_ + next.begin[i]);
          __builtin_prefetch(provenance_ + next.begin[i]);
        }
        const GraphNode from = frontier[at + i];
        const uint32_t depth = kTyped ? level : block.depth[i];
        bool candidate = false;
        for (uint32_t e = block.begin[i]; e < block.end[i]; ++e) {
          const GraphNode to = targets_[e];
          if (seen(to)) continue;
          const EdgeProvenance p = provenance_[e];
          if (!follows(pass, p)) {
            if constexpr (kTyped) candidate |= p == EdgeProvenance::kConservative;
            continue;
          }
          mark(to);
          paths_.steps[to] = {e, depth};
          order_.push_back(to);
        }
        if constexpr (kTyped)
          if (candidate) candidates_[from >> 6] |= uint64_t{1} << (from & 63);
      }
    }
  }

  static constexpr size_t kBlock = 64;
  struct Block {
    size_t count = 0;
    uint32_t begin[kBlock], end[kBlock], depth[kBlock];
  };

  const HeapGraph& graph_;
  const GraphNode* targets_;
  const EdgeProvenance* provenance_;
  ShortestPaths& paths_;
  const std::function<bool()>& interrupted_;
  uint32_t steps_ = 0;
  // What is reached: a bit per node (2.5 MB for 20 M nodes, so it stays in the cache).
  std::vector<uint64_t> seen_;
  std::vector<GraphNode> order_;       // reserved for every node: never reallocated
  // The typed pass's nodes with a conservative edge to a node then unreached: a bit per node.
  std::vector<uint64_t> candidates_;
};

}  // namespace

ShortestPaths shortest_paths(const HeapGraph& graph, EdgeFilter filter,
                             const std::function<bool()>& interrupted) {
  ShortestPaths paths;
  const size_t n = graph.node_count();
  // Written in breadth-first order, all over memory: huge pages spare the TLB.
  reserve_huge(paths.steps, n);
  paths.steps.assign(n, ShortestPaths::Step{});
  if (n == 0) return paths;
  PathSearch search(graph, paths, interrupted);
  search.typed_pass();
  if (filter != EdgeFilter::kTypedOnly) search.conservative_pass(filter);
  return paths;
}

ShortestFirst shortest_first(const ShortestPaths& paths, const std::vector<GraphNode>& nodes,
                             size_t count) {
  // (depth, node) in one word: the order is the key's.
  std::vector<uint64_t> keys;
  keys.reserve(nodes.size());
  ShortestFirst first;
  for (GraphNode v : nodes) {
    if (paths.reached(v)) keys.push_back(uint64_t{paths.depth(v)} << 32 | v);
    else ++first.unreached;
  }
  first.reached = keys.size();
  count = std::min(count, keys.size());
  auto shorter = [](uint64_t a, uint64_t b) {
    poll_interrupt();  // heap shpaths --kind . --count 1000000 sorts for a while: Ctrl-C stops it
    return a < b;
  };
  if (count < keys.size())
    std::nth_element(keys.begin(), keys.begin() + count, keys.end(), shorter);
  keys.resize(count);
  std::sort(keys.begin(), keys.end(), shorter);
  first.nodes.reserve(count);
  for (uint64_t key : keys) first.nodes.push_back(static_cast<GraphNode>(key));
  return first;
}

namespace {

std::string key(const char* what, EdgeFilter filter) {
  return std::string(what) + (filter == EdgeFilter::kTypedOnly ? ":typed" : ":owning");
}

}  // namespace

std::shared_ptr<const DominatorTree> dominators_of(Session& session, EdgeFilter filter,
                                                   const std::function<bool()>& interrupted) {
  std::string k = key("dominators", filter);
  if (auto memo = session.memo(k)) return std::static_pointer_cast<const DominatorTree>(memo);
  auto graph = process_graph(session, interrupted);
  if (!graph) return nullptr;
  auto start = std::chrono::steady_clock::now();
  std::shared_ptr<const DominatorTree> tree;
  try {
    tree = std::make_shared<const DominatorTree>(dominator_tree(graph->graph, filter, interrupted));
  } catch (const Interrupted&) {
    return nullptr;
  }
  session.record("dominators", start);
  session.memoize(k, tree);
  return tree;
}

std::shared_ptr<const ShortestPaths> paths_of(Session& session, EdgeFilter filter,
                                              const std::function<bool()>& interrupted) {
  std::string k = key("paths", filter);
  if (auto memo = session.memo(k)) return std::static_pointer_cast<const ShortestPaths>(memo);
  auto graph = process_graph(session, interrupted);
  if (!graph) return nullptr;
  auto start = std::chrono::steady_clock::now();
  std::shared_ptr<const ShortestPaths> paths;
  try {
    paths = std::make_shared<const ShortestPaths>(shortest_paths(graph->graph, filter, interrupted));
  } catch (const Interrupted&) {
    return nullptr;
  }
  session.record("shortest paths", start);
  session.memoize(k, paths);
  return paths;
}

std::vector<GraphNode> top_retained(const DominatorTree& tree, size_t count) {
  std::vector<GraphNode> nodes;
  nodes.reserve(tree.preorder.size());
  for (GraphNode v : tree.preorder)
    if (v != kRootNode) nodes.push_back(v);
  auto larger = [&](GraphNode a, GraphNode b) {
    poll_interrupt();  // heap top 1000000 sorts for a while: Ctrl-C stops it
    return tree.retained[a] != tree.retained[b] ? tree.retained[a] > tree.retained[b] : a < b;
  };
  count = std::min(count, nodes.size());
  std::partial_sort(nodes.begin(), nodes.begin() + count, nodes.end(), larger);
  nodes.resize(count);
  return nodes;
}

}  // namespace heapwalk::walker
