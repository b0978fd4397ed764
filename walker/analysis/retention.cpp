#include "walker/analysis/retention.h"

#include <algorithm>
#include <string>

namespace heapwalk::walker {

std::vector<uint32_t> ShortestPaths::edges_to(GraphNode n) const {
  std::vector<uint32_t> edges;
  while (n != kRootNode && via[n] != kNoEdge) {
    edges.push_back(via[n]);
    n = parent[n];
  }
  std::reverse(edges.begin(), edges.end());
  return edges;
}

ShortestPaths shortest_paths(const HeapGraph& graph, EdgeFilter filter,
                             const std::function<bool()>& interrupted) {
  uint32_t steps = 0;
  ShortestPaths paths;
  const size_t n = graph.node_count();
  paths.parent.assign(n, kRootNode);
  paths.via.assign(n, ShortestPaths::kNoEdge);
  if (n == 0) return paths;
  // Breadth first, typed edges only; then again from everything reached so far, with every
  // edge the filter allows, for what only conservative edges reach.
  std::vector<GraphNode> frontier{kRootNode}, next;
  std::vector<bool> seen(n, false);
  seen[kRootNode] = true;
  std::vector<GraphNode> reached{kRootNode};
  const int passes = filter == EdgeFilter::kTypedOnly ? 1 : 2;
  for (int i = 0; i < passes; ++i) {
    EdgeFilter pass = i == 0 ? EdgeFilter::kTypedOnly : filter;
    if (i == 0) {
      frontier = reached;
    } else {
      // Every typed edge of what is reached has been followed: only conservative ones can
      // reach more. Start from the reached nodes that have one, in the order they were reached
      // (the paths are the same as from all of them; most heaps have few such nodes).
      std::vector<bool> conservative(n, false);
      for (GraphNode v = 0; v < n; ++v)
        for (uint32_t e = graph.first_edge(v); e < graph.first_edge(v + 1); ++e)
          if (graph.provenance_of(e) == EdgeProvenance::kConservative) {
            conservative[v] = true;
            break;
          }
      frontier.clear();
      for (GraphNode v : reached)
        if (conservative[v]) frontier.push_back(v);
    }
    while (!frontier.empty()) {
      next.clear();
      for (GraphNode from : frontier) {
        if (interrupted && (++steps & 0xfffff) == 0 && interrupted()) throw Interrupted();
        for (uint32_t e = graph.first_edge(from); e < graph.first_edge(from + 1); ++e) {
          GraphNode to = graph.target_of(e);
          if (seen[to] || !follows(pass, graph.provenance_of(e))) continue;
          seen[to] = true;
          paths.parent[to] = from;
          paths.via[to] = e;
          next.push_back(to);
          reached.push_back(to);
        }
      }
      frontier.swap(next);
    }
  }
  return paths;
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
    return tree.retained[a] != tree.retained[b] ? tree.retained[a] > tree.retained[b] : a < b;
  };
  count = std::min(count, nodes.size());
  std::partial_sort(nodes.begin(), nodes.begin() + count, nodes.end(), larger);
  nodes.resize(count);
  return nodes;
}

}  // namespace heapwalk::walker
