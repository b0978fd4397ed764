#include "walker/analysis/root_reach.h"

#include <algorithm>
#include <tuple>

namespace heapwalk::walker {
namespace {

// How many root labels the graph uses: its texts, node 0's edges, the static objects' refs.
uint32_t label_count(const ProcessGraph& graph) {
  uint32_t labels = static_cast<uint32_t>(graph.root_labels.size());
  for (uint32_t w : graph.graph.where(kRootNode)) labels = std::max(labels, w + 1);
  for (const ProcessGraph::StaticRef& r : graph.static_refs)
    labels = std::max({labels, r.unit + 1, r.from == kRootNode ? r.where + 1 : 0u});
  return labels;
}

}  // namespace

std::vector<uint8_t> reached_from_labels(const ProcessGraph& graph, EdgeFilter filter,
                                         const std::function<bool(uint32_t label)>& root) {
  if (!graph.graph.node_count()) return {};
  // A static object's label is entered only when something the reach holds points at it.
  const uint32_t roots = graph.static_objects ? graph.static_objects : label_count(graph);
  std::vector<uint32_t> labels;
  for (uint32_t l = 0; l < roots; ++l)
    if (!root || root(l)) labels.push_back(l);
  return reached_from_sources(graph, filter, labels);
}

std::vector<uint8_t> reached_from_sources(const ProcessGraph& graph, EdgeFilter filter,
                                          std::span<const uint32_t> start_labels,
                                          const AllocationEdges& start_edges,
                                          std::span<const GraphNode> start_nodes) {
  const HeapGraph& g = graph.graph;
  std::vector<uint8_t> seen(g.node_count(), 0);
  if (!g.node_count()) return seen;
  seen[kRootNode] = 1;

  // Node 0's edges by label (a counting sort of their indexes).
  auto root_where = g.where(kRootNode);
  const uint32_t labels = label_count(graph);
  std::vector<uint32_t> first(labels + 1, 0), by_label(root_where.size());
  for (uint32_t w : root_where) ++first[w + 1];
  for (uint32_t l = 0; l < labels; ++l) first[l + 1] += first[l];
  {
    std::vector<uint32_t> at(first.begin(), first.end() - 1);
    for (uint32_t e = 0; e < root_where.size(); ++e) by_label[at[root_where[e]]++] = e;
  }
  const uint32_t root_first = g.first_edge(kRootNode);

  std::vector<uint8_t> entered(labels, 0);
  std::vector<uint32_t> label_stack;
  std::vector<GraphNode> stack;
  auto enter = [&](uint32_t label) {
    if (!entered[label]) {
      entered[label] = 1;
      label_stack.push_back(label);
    }
  };
  auto visit = [&](GraphNode n) {
    if (!seen[n]) {
      seen[n] = 1;
      stack.push_back(n);
    }
  };
  // The static objects `from` points at (at root label `where` when from is node 0).
  const auto& refs = graph.static_refs;
  auto enter_referenced = [&](GraphNode from, uint32_t where) {
    if (refs.empty()) return;
    auto key = [](const ProcessGraph::StaticRef& r) { return std::pair(r.from, r.where); };
    auto lo = std::lower_bound(refs.begin(), refs.end(), std::pair(from, where),
                               [&](const ProcessGraph::StaticRef& r, std::pair<GraphNode, uint32_t> k) {
                                 return key(r) < k;
                               });
    for (auto it = lo; it != refs.end() && it->from == from && (from != kRootNode || it->where == where); ++it)
      if (follows(filter, it->provenance)) enter(it->unit);
  };

  for (uint32_t l : start_labels)
    if (l < labels) enter(l);
  for (GraphNode n : start_nodes)
    if (n < g.node_count()) visit(n);
  if (const GraphNode from = start_edges.from; from != kRootNode && from < g.node_count()) {
    auto targets = g.targets(from);
    auto provenance = g.provenance(from);
    auto where = g.where(from);
    for (size_t e = 0; e < targets.size(); ++e)
      if (where[e] >= start_edges.begin && where[e] < start_edges.end && follows(filter, provenance[e]))
        visit(targets[e]);
    auto lo = std::lower_bound(refs.begin(), refs.end(), std::pair(from, start_edges.begin),
                               [](const ProcessGraph::StaticRef& r, std::pair<GraphNode, uint32_t> k) {
                                 return std::pair(r.from, r.where) < k;
                               });
    for (auto it = lo; it != refs.end() && it->from == from && it->where < start_edges.end; ++it)
      if (follows(filter, it->provenance)) enter(it->unit);
  }
  while (!label_stack.empty() || !stack.empty()) {
    if (!label_stack.empty()) {
      uint32_t l = label_stack.back();
      label_stack.pop_back();
      for (uint32_t i = first[l]; i < first[l + 1]; ++i) {
        uint32_t e = root_first + by_label[i];
        if (follows(filter, g.provenance_of(e))) visit(g.target_of(e));
      }
      enter_referenced(kRootNode, l);
      continue;
    }
    GraphNode n = stack.back();
    stack.pop_back();
    auto targets = g.targets(n);
    auto provenance = g.provenance(n);
    for (size_t e = 0; e < targets.size(); ++e)
      if (follows(filter, provenance[e])) visit(targets[e]);
    enter_referenced(n, 0);
  }
  return seen;
}

void finish_static_refs(ProcessGraph& result) {
  auto& refs = result.static_refs;
  const uint32_t base = result.static_objects;
  const size_t units = result.root_labels.size() > base ? result.root_labels.size() - base : 0;
  if (base == 0 || units == 0) return refs.clear();
  auto key = [](const ProcessGraph::StaticRef& r) {
    return std::tuple(r.from, r.where, r.unit, r.provenance);
  };
  std::sort(refs.begin(), refs.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
  refs.erase(std::unique(refs.begin(), refs.end(),
                         [&](const auto& a, const auto& b) { return key(a) == key(b); }),
             refs.end());
  // A static object leads somewhere when it has an edge, or points at one that does.
  std::vector<uint8_t> leads(units, 0);
  std::vector<uint32_t> stack;
  for (uint32_t where : result.graph.where(kRootNode))
    if (where >= base && where - base < units && !leads[where - base]) {
      leads[where - base] = 1;
      stack.push_back(where - base);
    }
  std::vector<std::vector<uint32_t>> pointed_from(units);  // by static objects
  for (const ProcessGraph::StaticRef& r : refs)
    if (r.from == kRootNode && r.where >= base && r.where - base < units)
      pointed_from[r.unit - base].push_back(r.where - base);
  while (!stack.empty()) {
    uint32_t u = stack.back();
    stack.pop_back();
    for (uint32_t v : pointed_from[u])
      if (!leads[v]) {
        leads[v] = 1;
        stack.push_back(v);
      }
  }
  std::erase_if(refs, [&](const ProcessGraph::StaticRef& r) { return !leads[r.unit - base]; });
  refs.shrink_to_fit();
}

std::vector<uint32_t> static_root_labels(const ProcessGraph& graph, uint64_t address,
                                         const std::string& name) {
  std::vector<uint32_t> labels;
  for (uint32_t l = 0; l < graph.static_roots && l < graph.root_addresses.size(); ++l)
    if (graph.root_addresses[l] == address && graph.root_labels[l] == name) labels.push_back(l);
  return labels;
}

}  // namespace heapwalk::walker
