#include "walker/analysis/process_graph.h"

#include "walker/graph/heap_reach.h"
#include "walker/roots/roots.h"

namespace heapwalk::walker {

std::optional<ProcessGraph> build_process_graph(Session& session,
                                                const std::function<bool()>& interrupted) {
  auto start = std::chrono::steady_clock::now();
  RootSet roots = all_roots(session.target(), session.memory(), session.glibc(), session.heap());
  const AllocationTable& table = session.heap().in_use;
  std::vector<uint64_t> sizes(table.size() + 1, 0);
  for (NodeId n = 0; n < table.size(); ++n) sizes[graph_node(n)] = table.usable_size(n);
  HeapGraphBuilder builder(std::move(sizes));
  builder.reserve(table.size() + table.size() / 2);  // heaps hold one to two pointers an object

  ProcessGraph result;
  // Weak edges are recorded, and followed so that what only they reach is in the graph too
  // (analyses then ignore them): the census of the process, with the edges that make it.
  HeapReach reach(session.walk_context());
  reach.record_edges([&](GraphNode from, uint32_t where, GraphNode to, EdgeProvenance p) {
    builder.add_edge(from, to, p, where);
    ++(p == EdgeProvenance::kTyped ? result.typed_edges
       : p == EdgeProvenance::kWeak ? result.weak_edges : result.conservative_edges);
  });
  reach.record_counts([&](NodeId node, KindId kind, uint64_t count) {
    result.element_counts.add(node, kind, count);
  });
  auto label = [&](const std::string& name) {
    result.root_labels.push_back(name);
    return static_cast<uint32_t>(result.root_labels.size() - 1);
  };
  for (const Root& root : roots.typed) reach.add_root(root, label(root.label));
  for (const RootRange& range : roots.ranges) reach.add_range(range.begin, range.end, label(range.label));
  for (const RootWord& word : roots.words) reach.add_word(word.value, label(word.label));
  auto reached = reach.run(interrupted);
  if (!reached) return std::nullopt;
  result.kinds = std::move(reached->kinds);
  result.kind_layouts = reach.kind_layouts();
  result.element_counts.finish();
  result.graph = std::move(builder).build();
  session.record("heap graph", start);
  return result;
}

std::shared_ptr<const ProcessGraph> process_graph(Session& session,
                                                  const std::function<bool()>& interrupted) {
  if (auto cached = session.cached_graph()) return cached;
  auto built = build_process_graph(session, interrupted);
  if (!built) return nullptr;
  auto graph = std::make_shared<const ProcessGraph>(std::move(*built));
  session.cache_graph(graph);
  return graph;
}

}  // namespace heapwalk::walker
