#include "walker/analysis/retention.h"

#include <algorithm>
#include <chrono>
#include <string>

#include "walker/progress.h"

namespace heapwalk::walker {

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
