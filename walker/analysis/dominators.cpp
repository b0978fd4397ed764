#include "walker/analysis/dominators.h"

#include <utility>

namespace heapwalk::walker {

namespace {

// Every Mi steps, asks whether to stop (an SB call costs microseconds: never per step).
struct StopCheck {
  const std::function<bool()>& interrupted;
  uint32_t steps = 0;
  void operator()() {
    if (interrupted && (++steps & 0xfffff) == 0 && interrupted()) throw Interrupted();
  }
};

using Index = uint32_t;  // a node's position in DFS preorder
constexpr Index kNone = UINT32_MAX;

// Numbers the reached nodes in DFS preorder: order[i] is the node, number[n] its index (kNone
// if unreached), parent[i] the index of its DFS parent (the root's is 0), in_count[n] how many
// followed edges from reached nodes point at n (every such edge is looked at once, here).
// Out-edges are taken in CSR order, so the preorder is the same as a recursive DFS's.
void depth_first(const HeapGraph& graph, EdgeFilter filter, std::vector<GraphNode>& order,
                 std::vector<Index>& number, std::vector<Index>& parent,
                 std::vector<uint32_t>& in_count, StopCheck& check) {
  number.assign(graph.node_count(), kNone);
  in_count.assign(graph.node_count(), 0);
  order.clear();
  parent.clear();
  // An explicit stack, so depth costs memory, not recursion: per node on it, the next and the
  // end of its out-edges (as edge indices) and its preorder index.
  struct Frame {
    uint32_t next, end;
    Index index;
  };
  std::vector<Frame> stack;
  const GraphNode* targets = graph.all_targets().data();
  const EdgeProvenance* provenance = graph.all_provenance().data();
  number[kRootNode] = 0;
  order.push_back(kRootNode);
  parent.push_back(0);
  stack.push_back({graph.first_edge(kRootNode), graph.first_edge(kRootNode + 1), 0});
  while (!stack.empty()) {
    check();
    Frame& f = stack.back();
    bool descended = false;
    while (f.next < f.end) {
      uint32_t e = f.next++;
      if (!follows(filter, provenance[e])) continue;
      GraphNode to = targets[e];
      ++in_count[to];
      if (number[to] != kNone) continue;
      Index index = static_cast<Index>(order.size());
      number[to] = index;
      order.push_back(to);
      parent.push_back(f.index);
      stack.push_back({graph.first_edge(to), graph.first_edge(to + 1), index});  // f is stale
      descended = true;
      break;
    }
    if (descended) continue;
    stack.pop_back();
    // Going back up, the frames below resume where they left off, long ago: fetch their next
    // edges, and then what those point to, ahead of time (deep graphs miss the cache there).
    const size_t k = stack.size();
    if (k > 16) {
      const Frame& g = stack[k - 16];
      __builtin_prefetch(&targets[g.next]);
      __builtin_prefetch(&provenance[g.next]);
    }
    if (k > 8) {
      const Frame& g = stack[k - 8];
      if (g.next < g.end) {
        __builtin_prefetch(&number[targets[g.next]]);
        __builtin_prefetch(&in_count[targets[g.next]]);
      }
    }
  }
}

// Predecessors of every reached node, as preorder indices, in CSR form (first[i] .. first[i +
// 1] for index i), from the DFS's in-edge counts (turned into each node's cursor, in place).
// One pass over the nodes in address order (sequential reads of the graph: a heap's edges
// mostly stay near their source), the placing writes the only scattered ones.
void predecessors(const HeapGraph& graph, EdgeFilter filter, const std::vector<GraphNode>& order,
                  const std::vector<Index>& number, std::vector<uint32_t>& cursor,
                  std::vector<uint32_t>& first, std::vector<Index>& preds, StopCheck& check) {
  const size_t nodes = graph.node_count();
  const size_t n = order.size();
  first.assign(n + 1, 0);
  for (Index i = 0; i < n; ++i) {
    uint32_t count = cursor[order[i]];
    cursor[order[i]] = first[i];
    first[i + 1] = first[i] + count;
  }
  preds.resize(first[n]);
  for (GraphNode u = 0; u < nodes; ++u) {
    const Index from = number[u];
    if (from == kNone) continue;
    check();
    auto targets = graph.targets(u);
    auto provenance = graph.provenance(u);
    for (size_t e = 0; e < targets.size(); ++e)
      if (follows(filter, provenance[e])) preds[cursor[targets[e]]++] = from;
  }
}

// Semi-NCA's semidominators, over preorder indices: for w from the last to the first, the
// least of its predecessors numbered before it and of the evaluations of those after it. The
// link-eval forest holds, per processed node, an ancestor pointer (the DFS parent, shortened as
// paths are halved) and `best`, the least semidominator on the path from the node up to, not
// including, that ancestor; an unprocessed node's best is itself. Evaluation halves the path
// as it climbs (one pass, no stack: Tarjan and van Leeuwen's path halving keeps the bound of
// compression). Ancestor and best sit side by side: one cache miss a step.
std::vector<Index> semidominators(const std::vector<uint32_t>& first,
                                  const std::vector<Index>& preds,
                                  const std::vector<Index>& parent, StopCheck& check) {
  const Index n = static_cast<Index>(parent.size());
  std::vector<Index> semi(n, 0);
  struct Link {
    Index ancestor, best;
  };
  std::vector<Link> forest(n);
  for (Index i = 0; i < n; ++i) forest[i] = {parent[i], i};
  constexpr uint32_t kAhead = 16;  // predecessors prefetched ahead (evaluations miss the cache)
  const uint32_t m = first[n];
  for (Index w = n - 1; w >= 1; --w) {
    check();
    Index s = parent[w];  // a predecessor, and its own semidominator
    for (uint32_t e = first[w]; e < first[w + 1]; ++e) {
      if (e + kAhead < m) __builtin_prefetch(&forest[preds[e + kAhead]]);
      Index v = preds[e];
      // Not processed yet (numbered before w): its own semidominator is itself. Most
      // predecessors come before what they point to in preorder.
      if (v < w) {
        if (v < s) s = v;
        continue;
      }
      // The least best on v's path through the processed nodes (those numbered above w).
      Index x = v;
      Index least = forest[x].best;
      for (;;) {
        const Index a = forest[x].ancestor;
        if (a <= w) break;  // x is the highest processed node of the path
        const Link up = forest[a];
        if (up.ancestor <= w) {
          if (up.best < least) least = up.best;
          break;
        }
        // Halve: x now skips a, and its best covers a's part of the path too.
        Link& link = forest[x];
        if (up.best < link.best) link.best = up.best;
        link.ancestor = up.ancestor;
        if (link.best < least) least = link.best;
        x = up.ancestor;
        if (forest[x].best < least) least = forest[x].best;
      }
      if (least < s) s = least;
    }
    semi[w] = s;
    forest[w].best = s;
  }
  return semi;
}

}  // namespace

DominatorTree dominator_tree(const HeapGraph& graph, EdgeFilter filter,
                             const std::function<bool()>& interrupted) {
  DominatorTree tree;
  if (graph.node_count() == 0) return tree;
  StopCheck check{interrupted};
  std::vector<Index> number, idom;
  std::vector<uint32_t> in_count;
  depth_first(graph, filter, tree.preorder, number, idom, in_count, check);
  const std::vector<GraphNode>& order = tree.preorder;
  const Index n = static_cast<Index>(order.size());

  // idom starts as the DFS parent, the first candidate.
  {
    std::vector<uint32_t> first;
    std::vector<Index> preds;
    predecessors(graph, filter, order, number, in_count, first, preds, check);
    in_count = {};
    std::vector<Index> semi = semidominators(first, preds, idom, check);
    first = {};
    preds = {};
    // idom(w) is the nearest common ancestor of its parent and its semidominator in the tree
    // of the idoms found so far: climb from the parent until at or above the semidominator.
    for (Index w = 1; w < n; ++w) {
      Index c = idom[w];
      while (c > semi[w]) c = idom[c];
      idom[w] = c;
    }
  }

  // Retained sizes, by preorder index (children come after their dominator: one sweep from the
  // last adds each to its dominator), then by node.
  {
    constexpr Index kAhead = 16;
    std::vector<uint64_t> retained(n);
    for (Index i = 0; i < n; ++i) {
      if (i + kAhead < n) graph.prefetch_size(order[i + kAhead]);
      retained[i] = graph.size(order[i]);
    }
    for (Index w = n - 1; w >= 1; --w) retained[idom[w]] += retained[w];
    tree.retained.assign(graph.node_count(), 0);
    for (Index i = 0; i < n; ++i) {
      if (i + kAhead < n) __builtin_prefetch(&tree.retained[order[i + kAhead]], 1);
      tree.retained[order[i]] = retained[i];
    }
  }

  // Back to node numbers, reusing the numbering's array.
  for (GraphNode v = 0; v < number.size(); ++v)
    if (number[v] != kNone) number[v] = order[idom[number[v]]];
  number[kRootNode] = kRootNode;
  static_assert(DominatorTree::kUnreached == kNone);
  tree.idom = std::move(number);
  return tree;
}

namespace {

// Marks what `starts` reach (each marked too) without entering a node of `removed` (a bit per
// node), nor taking an edge `cut` says is gone.
std::vector<bool> reach_from(const HeapGraph& graph, EdgeFilter filter,
                             std::vector<GraphNode> starts, const std::vector<bool>& removed,
                             const EdgeCut& cut = {}) {
  std::vector<bool> seen(graph.node_count(), false);
  for (GraphNode s : starts) seen[s] = true;
  std::vector<GraphNode> todo = std::move(starts);
  while (!todo.empty()) {
    GraphNode node = todo.back();
    todo.pop_back();
    auto targets = graph.targets(node);
    auto provenance = graph.provenance(node);
    for (size_t e = 0; e < targets.size(); ++e) {
      GraphNode to = targets[e];
      if (seen[to] || !follows(filter, provenance[e]) || (!removed.empty() && removed[to]))
        continue;
      if (cut && cut(node, graph.first_edge(node) + static_cast<uint32_t>(e))) continue;
      seen[to] = true;
      todo.push_back(to);
    }
  }
  return seen;
}

// What the root reaches, so.
std::vector<bool> reach(const HeapGraph& graph, EdgeFilter filter,
                        const std::vector<bool>& removed, const EdgeCut& cut = {}) {
  return reach_from(graph, filter, {kRootNode}, removed, cut);
}

}  // namespace

RetainedSet retained_by_set(const HeapGraph& graph, std::span<const GraphNode> set,
                            EdgeFilter filter) {
  RetainedSet result;
  if (graph.node_count() == 0) return result;
  std::vector<bool> removed(graph.node_count(), false);
  for (GraphNode n : set)
    if (n != kRootNode && n < graph.node_count()) removed[n] = true;
  std::vector<bool> before = reach(graph, filter, {});
  std::vector<bool> after = reach(graph, filter, removed);
  for (GraphNode n = 0; n < graph.node_count(); ++n) {
    if (before[n] && !after[n]) {
      ++result.count;
      result.bytes += graph.size(n);
    }
  }
  return result;
}

RetainedSet reached_through(const HeapGraph& graph, const EdgeCut& cut, EdgeFilter filter) {
  RetainedSet result;
  std::vector<bool> seen = reached_set(graph, cut, filter);
  for (GraphNode n = 0; n < graph.node_count(); ++n)
    if (seen[n]) {
      ++result.count;
      result.bytes += graph.size(n);
    }
  return result;
}

std::vector<bool> reached_set(const HeapGraph& graph, const EdgeCut& cut, EdgeFilter filter) {
  std::vector<GraphNode> starts;
  std::vector<bool> started(graph.node_count(), false);
  for (GraphNode from = 0; from < graph.node_count(); ++from)
    for (uint32_t e = graph.first_edge(from); e < graph.first_edge(from + 1); ++e) {
      GraphNode to = graph.target_of(e);
      if (!started[to] && follows(filter, graph.provenance_of(e)) && cut(from, e)) {
        started[to] = true;
        starts.push_back(to);
      }
    }
  return reach_from(graph, filter, std::move(starts), {});
}

RetainedSet retained_by_cut(const HeapGraph& graph, const EdgeCut& cut, EdgeFilter filter) {
  RetainedSet result;
  if (graph.node_count() == 0) return result;
  std::vector<bool> before = reach(graph, filter, {});
  std::vector<bool> after = reach(graph, filter, {}, cut);
  for (GraphNode n = 0; n < graph.node_count(); ++n) {
    if (before[n] && !after[n]) {
      ++result.count;
      result.bytes += graph.size(n);
    }
  }
  return result;
}

}  // namespace heapwalk::walker
