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
// if unreached), parent[i] the index of its DFS parent (the root's is 0).
void depth_first(const HeapGraph& graph, EdgeFilter filter, std::vector<GraphNode>& order,
                 std::vector<Index>& number, std::vector<Index>& parent, StopCheck& check) {
  number.assign(graph.node_count(), kNone);
  order.clear();
  parent.clear();
  // (node, next edge to look at): an explicit stack, so depth costs memory, not recursion.
  std::vector<std::pair<GraphNode, uint32_t>> stack;
  number[kRootNode] = 0;
  order.push_back(kRootNode);
  parent.push_back(0);
  stack.emplace_back(kRootNode, 0);
  while (!stack.empty()) {
    check();
    auto& [node, next] = stack.back();
    auto targets = graph.targets(node);
    auto provenance = graph.provenance(node);
    bool descended = false;
    while (next < targets.size()) {
      uint32_t e = next++;
      GraphNode to = targets[e];
      if (number[to] != kNone || !follows(filter, provenance[e])) continue;
      Index from = number[node];
      number[to] = static_cast<Index>(order.size());
      order.push_back(to);
      parent.push_back(from);
      stack.emplace_back(to, 0);  // invalidates node and next: leave at once
      descended = true;
      break;
    }
    if (!descended) stack.pop_back();
  }
}

// Predecessors of every reached node, as preorder indices, in CSR form.
void predecessors(const HeapGraph& graph, EdgeFilter filter, const std::vector<GraphNode>& order,
                  const std::vector<Index>& number, std::vector<uint32_t>& first,
                  std::vector<Index>& preds) {
  const size_t n = order.size();
  first.assign(n + 1, 0);
  for (Index i = 0; i < n; ++i) {
    auto targets = graph.targets(order[i]);
    auto provenance = graph.provenance(order[i]);
    for (size_t e = 0; e < targets.size(); ++e)
      if (follows(filter, provenance[e])) ++first[number[targets[e]] + 1];
  }
  for (size_t i = 0; i < n; ++i) first[i + 1] += first[i];
  preds.resize(first[n]);
  std::vector<uint32_t> cursor(first.begin(), first.end() - 1);
  for (Index i = 0; i < n; ++i) {
    auto targets = graph.targets(order[i]);
    auto provenance = graph.provenance(order[i]);
    for (size_t e = 0; e < targets.size(); ++e)
      if (follows(filter, provenance[e])) preds[cursor[number[targets[e]]]++] = i;
  }
}

// Semi-NCA's link-eval forest: ancestor[] starts as the DFS parents and is compressed as nodes
// are evaluated; label[v] is the node of least semidominator on v's compressed path.
struct EvalForest {
  std::vector<Index>& ancestor;
  std::vector<Index>& label;
  const std::vector<Index>& semi;
  std::vector<Index> stack;

  // The label of v's path among the nodes processed so far (those numbered >= last_linked).
  Index eval(Index v, Index last_linked) {
    if (ancestor[v] < last_linked) return label[v];
    stack.clear();
    Index x = v;
    do {
      stack.push_back(x);
      x = ancestor[x];
    } while (ancestor[x] >= last_linked);
    Index p = x;
    Index p_label = label[p];
    Index y = v;
    do {
      y = stack.back();
      stack.pop_back();
      ancestor[y] = ancestor[p];
      if (semi[p_label] < semi[label[y]])
        label[y] = p_label;
      else
        p_label = label[y];
      p = y;
    } while (!stack.empty());
    return label[y];
  }
};

}  // namespace

DominatorTree dominator_tree(const HeapGraph& graph, EdgeFilter filter,
                             const std::function<bool()>& interrupted) {
  DominatorTree tree;
  if (graph.node_count() == 0) return tree;
  StopCheck check{interrupted};
  std::vector<Index> number, ancestor;
  depth_first(graph, filter, tree.preorder, number, ancestor, check);
  const Index n = static_cast<Index>(tree.preorder.size());

  std::vector<Index> idom(ancestor);  // the DFS parent, the first candidate
  {
    std::vector<uint32_t> first;
    std::vector<Index> preds;
    predecessors(graph, filter, tree.preorder, number, first, preds);

    std::vector<Index> semi(n), label(n);
    for (Index i = 0; i < n; ++i) semi[i] = label[i] = i;
    EvalForest forest{ancestor, label, semi, {}};
    for (Index w = n - 1; w >= 1; --w) {
      check();
      Index s = idom[w];  // the parent: a predecessor, and its own semidominator
      for (uint32_t e = first[w]; e < first[w + 1]; ++e) {
        Index v = preds[e];
        // Not processed yet (numbered before w): its own semidominator is itself. Most
        // predecessors come before what they point to in preorder: this saves their misses.
        if (v < w) {
          if (v < s) s = v;
          continue;
        }
        Index u = forest.eval(v, w + 1);
        if (semi[u] < s) s = semi[u];
      }
      semi[w] = s;
    }
    // idom(w) is the nearest common ancestor of its parent and its semidominator in the tree
    // of the idoms found so far: climb from the parent until at or above the semidominator.
    for (Index w = 1; w < n; ++w) {
      Index c = idom[w];
      while (c > semi[w]) c = idom[c];
      idom[w] = c;
    }
  }

  // Retained sizes: children come after their dominator in preorder.
  tree.retained.assign(graph.node_count(), 0);
  for (Index i = 0; i < n; ++i) tree.retained[tree.preorder[i]] = graph.size(tree.preorder[i]);
  for (Index w = n - 1; w >= 1; --w)
    tree.retained[tree.preorder[idom[w]]] += tree.retained[tree.preorder[w]];

  // Back to node numbers, reusing the numbering's array.
  for (GraphNode v = 0; v < number.size(); ++v)
    if (number[v] != kNone) number[v] = tree.preorder[idom[number[v]]];
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
