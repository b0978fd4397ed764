#include "walker/analysis/shortest_paths.h"

#include <algorithm>

#include "walker/analysis/huge_pages.h"
#include "walker/analysis/path_search.h"
#include "walker/progress.h"

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

ShortestPaths shortest_paths(const HeapGraph& graph, EdgeFilter filter,
                             const std::function<bool()>& interrupted, SearchThreads threads) {
  ShortestPaths paths;
  const size_t n = graph.node_count();
  // Written in breadth-first order, all over memory: huge pages spare the TLB.
  reserve_huge(paths.steps, n);
  paths.steps.assign(n, ShortestPaths::Step{});
  if (n == 0) return paths;
  PathSearch search(graph, paths, interrupted, threads);
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

}  // namespace heapwalk::walker
