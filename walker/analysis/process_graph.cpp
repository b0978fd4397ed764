#include "walker/analysis/process_graph.h"

#include <algorithm>

#include <malloc.h>

#include <fmt/format.h>

#include "walker/analysis/leak_components.h"
#include "walker/analysis/root_reach.h"
#include "walker/graph/heap_reach.h"
#include "walker/roots/roots.h"

namespace heapwalk::walker {
namespace {

// The leak phase: what the reach from the roots left unreached gets its own out-edges among
// the unreached (they cannot change what the root reaches) and its names. Typed first, from
// each leaked object's vtable (as far as typed pointers lead through leaked objects: what names
// them); then every word of every leaked block that points into another leaked block, unless a
// typed edge from that block already leads there (so the direct/indirect split sees the same
// pairs as memcheck's word scan). False when interrupted.
bool leak_phase(Session& session, HeapGraphBuilder& builder, ProcessGraph& result,
                const std::function<bool()>& interrupted) {
  const AllocationTable& table = session.heap().in_use;
  constexpr uint8_t kReached = NodeStates::kTyped | NodeStates::kConservative;
  auto leaked_node = [&](NodeId n) { return !(result.reach_flags[n] & kReached); };
  std::vector<NodeId> leaked;
  for (NodeId n = 0; n < table.size(); ++n)
    if (leaked_node(n)) leaked.push_back(n);
  result.unnamed_leak = session.kinds().intern("<untyped>");
  if (leaked.empty()) return true;

  ReachOptions typed_only;
  typed_only.conservative = false;
  HeapReach naming(session.walk_context(), typed_only);
  std::vector<uint64_t> typed_pairs;  // from << 32 | to, graph nodes
  naming.record_edges([&](GraphNode from, uint32_t where, GraphNode to, EdgeProvenance p) {
    // The naming walk may pass through reached objects: their edges are in the graph already.
    if (from == kRootNode || !leaked_node(allocation_of(from)) || !leaked_node(allocation_of(to)))
      return;
    builder.add_edge(from, to, p, where);
    typed_pairs.push_back(uint64_t{from} << 32 | to);
  });
  for (NodeId n : leaked) naming.walk_vtable_object(n);
  auto named = naming.run(interrupted);
  if (!named) return false;
  std::vector<KindId> kinds;
  kinds.reserve(leaked.size());
  for (NodeId n : leaked) {
    KindId kind = named->reached(n) ? named->kinds[n] : kNoKind;
    if (kind == kNoKind)
      kind = session.kinds().intern(fmt::format("<untyped {} bytes>", table.usable_size(n)));
    kinds.push_back(kind);
  }
  result.leak_names = LeakNames(table.size(), leaked, std::move(kinds));
  named.reset();
  result.leak_typed_edges = typed_pairs.size();
  // The walk goes object by object, mostly in address order: often sorted already.
  if (!std::is_sorted(typed_pairs.begin(), typed_pairs.end()))
    std::sort(typed_pairs.begin(), typed_pairs.end());
  typed_pairs.erase(std::unique(typed_pairs.begin(), typed_pairs.end()), typed_pairs.end());

  // The words, by block in address order: the typed pairs of the block being scanned are a
  // run of typed_pairs, found by walking a cursor along.
  size_t cursor = 0;
  bool ok = for_each_leak_word(
      session.memory(), table, leaked,
      [&](uint32_t i, uint64_t offset, uint32_t j) {
        GraphNode from = graph_node(leaked[i]), to = graph_node(leaked[j]);
        uint64_t key = uint64_t{from} << 32;
        while (cursor < typed_pairs.size() && typed_pairs[cursor] < key) ++cursor;
        for (size_t c = cursor; c < typed_pairs.size() && typed_pairs[c] >> 32 == from; ++c)
          if ((typed_pairs[c] & 0xffffffffu) == to) return;
        builder.add_edge(from, to, EdgeProvenance::kConservative,
                         static_cast<uint32_t>(std::min<uint64_t>(offset, UINT32_MAX)));
        ++result.leak_conservative_edges;
      },
      interrupted);
  return ok;
}

// The roots, in the order the graph's walk adds them; their labels into `labels` (by index).
void add_roots(HeapReach& reach, const RootSet& roots, std::vector<std::string>* labels) {
  uint32_t next = 0;
  auto label = [&](const std::string& name) {
    if (labels) labels->push_back(name);
    return next++;
  };
  for (const Root& root : roots.typed) reach.add_root(root, label(root.label));
  for (const RootRange& range : roots.ranges) reach.add_range(range.begin, range.end, label(range.label));
  for (const RootWord& word : roots.words) reach.add_word(word.value, label(word.label));
}

}  // namespace

std::optional<ProcessGraph> build_process_graph(Session& session,
                                                const std::function<bool()>& interrupted,
                                                bool with_counts) {
  auto start = std::chrono::steady_clock::now();
  RootSet roots = all_roots(session.target(), session.memory(), session.glibc(), session.heap());
  const AllocationTable& table = session.heap().in_use;
  HeapGraphBuilder builder(table);  // sizes: the table's, which the Session keeps

  ProcessGraph result;
  // Weak edges are recorded, and followed so that what only they reach is in the graph too
  // (analyses then ignore them): the census of the process, with the edges that make it.
  // Optional so that its per-allocation state is gone before the leak phase and the CSR sort.
  std::optional<HeapReach> reach(std::in_place, session.walk_context());
  reach->record_edges([&](GraphNode from, uint32_t where, GraphNode to, EdgeProvenance p) {
    builder.add_edge(from, to, p, where);
    ++(p == EdgeProvenance::kTyped ? result.typed_edges
       : p == EdgeProvenance::kWeak ? result.weak_edges : result.conservative_edges);
  });
  ElementCounts counts;
  if (with_counts)
    reach->record_counts([&](NodeId node, KindId kind, uint64_t count) { counts.add(node, kind, count); });
  // Static objects reached through pointers get labels after the roots'.
  const uint32_t root_label_count =
      static_cast<uint32_t>(roots.typed.size() + roots.ranges.size() + roots.words.size());
  reach->label_static_objects(root_label_count, [&](GraphNode from, uint32_t where, uint32_t unit,
                                                    EdgeProvenance p) {
    result.static_refs.push_back({from, where, unit, p});
  });
  add_roots(*reach, roots, &result.root_labels);
  result.typed_roots = static_cast<uint32_t>(roots.typed.size());
  result.static_roots = static_cast<uint32_t>(roots.static_count);
  for (const Root& root : roots.typed) result.root_addresses.push_back(root.address);
  auto reached = reach->run(interrupted);
  if (!reached) return std::nullopt;
  result.static_objects = root_label_count;
  for (uint32_t name : reach->static_object_names()) {
    std::string text = result.root_labels[name];
    result.root_labels.push_back(std::move(text));
  }
  result.kinds = std::move(reached->kinds);
  result.kind_layouts = reach->kind_layouts();
  result.reach_flags = std::move(reached->flags);
  result.words_scanned = reached->words_scanned;
  reached.reset();
  reach.reset();
  if (with_counts) {  // sorted once the walk's state is gone
    counts.finish();
    result.counts_cache->counts = std::move(counts);
  }
  auto leaks_start = std::chrono::steady_clock::now();
  if (!leak_phase(session, builder, result, interrupted)) return std::nullopt;
  result.leak_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - leaks_start).count();
  session.record("heap graph: leak phase", leaks_start);
  result.graph = std::move(builder).build();
  finish_static_refs(result);
  // The walks' state and the builder's blocks are freed now, mostly in the middle of malloc's
  // heap (where free() keeps them resident): give their pages back, so that what stays with the
  // session is the graph.
  malloc_trim(0);
  session.record("heap graph", start);
  return result;
}

std::shared_ptr<const ProcessGraph> process_graph(Session& session,
                                                  const std::function<bool()>& interrupted,
                                                  bool with_counts) {
  if (auto cached = session.cached_graph()) return cached;
  auto built = build_process_graph(session, interrupted, with_counts);
  if (!built) return nullptr;
  auto graph = std::make_shared<const ProcessGraph>(std::move(*built));
  session.cache_graph(graph);
  return graph;
}

const ElementCounts* element_counts(Session& session, const ProcessGraph& graph,
                                    const std::function<bool()>& interrupted) {
  ProcessGraph::CountsCache& cache = *graph.counts_cache;
  std::lock_guard lock(cache.mutex);
  if (cache.counts) return &*cache.counts;
  auto start = std::chrono::steady_clock::now();
  RootSet roots = all_roots(session.target(), session.memory(), session.glibc(), session.heap());
  ElementCounts counts;
  HeapReach reach(session.walk_context());
  reach.record_counts([&](NodeId node, KindId kind, uint64_t count) { counts.add(node, kind, count); });
  add_roots(reach, roots, nullptr);
  if (!reach.run(interrupted, /*with_kinds=*/false)) return nullptr;
  counts.finish();
  cache.counts = std::move(counts);
  session.record("element counts", start);
  return &*cache.counts;
}

}  // namespace heapwalk::walker
