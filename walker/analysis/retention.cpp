#include "walker/analysis/retention.h"

#include "walker/progress.h"

#include <algorithm>
#include <string>

#include "walker/analysis/huge_pages.h"

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
  // Written in breadth-first order, all over memory: huge pages spare the TLB.
  reserve_huge(paths.parent, n);
  paths.parent.assign(n, kRootNode);
  reserve_huge(paths.via, n);
  paths.via.assign(n, ShortestPaths::kNoEdge);
  if (n == 0) return paths;
  // What is reached: a bit per node (2.5 MB for 20 M nodes, so it stays in the cache).
  std::vector<uint64_t> seen((n + 63) / 64, 0);
  auto reached_bit = [&](GraphNode v) { return seen[v >> 6] >> (v & 63) & 1; };
  seen[kRootNode >> 6] |= uint64_t{1} << (kRootNode & 63);
  const GraphNode* targets = graph.all_targets().data();
  const EdgeProvenance* provenance = graph.all_provenance().data();
  // Breadth first, typed edges only; then again from everything reached so far, with every
  // edge the filter allows, for what only conservative edges reach.
  std::vector<GraphNode> frontier, next;
  std::vector<GraphNode> reached{kRootNode};
  const int passes = filter == EdgeFilter::kTypedOnly ? 1 : 2;
  for (int i = 0; i < passes; ++i) {
    const EdgeFilter pass = i == 0 ? EdgeFilter::kTypedOnly : filter;
    if (i == 0) {
      frontier = reached;
    } else {
      // Every typed edge of what is reached has been followed: only a conservative edge to a
      // node not reached yet can reach more. Start from the reached nodes that have one, in
      // the order they were reached (the paths are the same as from all of them); they are
      // found in one pass over the nodes in address order (sequential reads), and most heaps
      // have none.
      std::vector<uint64_t> starts((n + 63) / 64, 0);
      bool any = false;
      for (GraphNode v = 0; v < n; ++v) {
        if (!reached_bit(v)) continue;
        const uint32_t end = graph.first_edge(v + 1);
        for (uint32_t e = graph.first_edge(v); e < end; ++e)
          if (provenance[e] == EdgeProvenance::kConservative && !reached_bit(targets[e])) {
            starts[v >> 6] |= uint64_t{1} << (v & 63);
            any = true;
            break;
          }
      }
      frontier.clear();
      if (any)
        for (GraphNode v : reached)
          if (starts[v >> 6] >> (v & 63) & 1) frontier.push_back(v);
    }
    while (!frontier.empty()) {
      next.clear();
      const size_t size = frontier.size();
      // The frontier is known ahead: fetch the edge range of the node 16 ahead, then the
      // edges of the node 8 ahead (a breadth-first order jumps through memory).
      uint32_t ahead[32];
      for (size_t k = 0; k < size; ++k) {
        if (interrupted && (++steps & 0xfffff) == 0 && interrupted()) throw Interrupted();
        if (k + 16 < size) ahead[(k + 16) & 31] = graph.first_edge(frontier[k + 16]);
        if (k + 8 < size) {
          const uint32_t e = k + 8 >= 16 ? ahead[(k + 8) & 31] : graph.first_edge(frontier[k + 8]);
          __builtin_prefetch(&targets[e]);
          __builtin_prefetch(&provenance[e]);
        }
        const GraphNode from = frontier[k];
        const uint32_t end = graph.first_edge(from + 1);
        for (uint32_t e = graph.first_edge(from); e < end; ++e) {
          const GraphNode to = targets[e];
          if (reached_bit(to) || !follows(pass, provenance[e])) continue;
          seen[to >> 6] |= uint64_t{1} << (to & 63);
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
    poll_interrupt();  // heap top 1000000 sorts for a while: Ctrl-C stops it
    return tree.retained[a] != tree.retained[b] ? tree.retained[a] > tree.retained[b] : a < b;
  };
  count = std::min(count, nodes.size());
  std::partial_sort(nodes.begin(), nodes.begin() + count, nodes.end(), larger);
  nodes.resize(count);
  return nodes;
}

}  // namespace heapwalk::walker
