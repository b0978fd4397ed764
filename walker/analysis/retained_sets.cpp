#include "walker/analysis/retained_sets.h"

#include <utility>

namespace heapwalk::walker {
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
