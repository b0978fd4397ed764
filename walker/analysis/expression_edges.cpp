#include "walker/analysis/expression_edges.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string_view>

namespace heapwalk::walker {
namespace {

// Whether a typed root's label names the variable `name`: a global's label is its name, a
// local's ends in ": NAME"; either may carry ABI tags (`g_names[abi:cxx11]`) and a namespace
// (`ns::g` for `g`), which the expression need not spell.
bool names(std::string_view label, std::string_view name) {
  if (size_t colon = label.rfind(": "); colon != std::string_view::npos) label.remove_prefix(colon + 2);
  while (label.ends_with("]")) {
    size_t tag = label.rfind("[abi:");
    if (tag == std::string_view::npos) break;
    label.remove_suffix(label.size() - tag);
  }
  return label == name ||
         (label.size() > name.size() + 2 && label.ends_with(name) &&
          label.substr(label.size() - name.size() - 2, 2) == "::");
}

// A member of a root variable: the variable is the path's first name, the one of that name
// closest below `address` (same-named locals of other frames lie elsewhere); its root edges into
// the allocations the member's words point into are the member's.
void member_edges(const ProcessGraph& graph, const AllocationTable& table, uint64_t address,
                  const std::string& name, std::span<const uint8_t> bytes, ExpressionEdges& edges) {
  const size_t end = name.find_first_of("-.[");
  if (end == std::string::npos || end == 0 || name.starts_with("*")) return;
  const std::string variable = name.substr(0, end);
  const uint32_t typed = std::min<uint32_t>(graph.typed_roots,
                                            static_cast<uint32_t>(graph.root_addresses.size()));
  std::optional<uint64_t> closest;
  for (uint32_t l = 0; l < typed && l < graph.root_labels.size(); ++l)
    if (graph.root_addresses[l] <= address && (!closest || graph.root_addresses[l] > *closest) &&
        names(graph.root_labels[l], variable))
      closest = graph.root_addresses[l];
  if (!closest) return;
  std::vector<uint8_t> variable_label(graph.root_labels.size(), 0);
  for (uint32_t l = 0; l < typed && l < graph.root_labels.size(); ++l)
    if (graph.root_addresses[l] == *closest && names(graph.root_labels[l], variable))
      variable_label[l] = 1;
  edges.located = true;
  std::vector<GraphNode> pointed;  // the graph nodes the member's words point into
  for (size_t at = 0; at + 8 <= bytes.size(); at += 8) {
    uint64_t word;
    std::memcpy(&word, bytes.data() + at, 8);
    if (auto node = table.find(word)) pointed.push_back(*node + 1);
  }
  std::sort(pointed.begin(), pointed.end());
  const HeapGraph& g = graph.graph;
  for (uint32_t e = g.first_edge(kRootNode); e < g.first_edge(kRootNode + 1); ++e) {
    const uint32_t where = g.where_of(e);
    if (where < variable_label.size() && variable_label[where] &&
        std::binary_search(pointed.begin(), pointed.end(), g.target_of(e)))
      edges.root_edges.push_back(e);
  }
}

}  // namespace

bool ExpressionEdges::selects(const HeapGraph& graph, GraphNode from, uint32_t edge) const {
  const uint32_t where = graph.where_of(edge);
  if (from == kRootNode)
    return std::binary_search(root_labels.begin(), root_labels.end(), where) ||
           std::binary_search(root_edges.begin(), root_edges.end(), edge);
  return from == in_allocation.from && where >= in_allocation.begin && where < in_allocation.end;
}

ExpressionEdges expression_edges(const ProcessGraph& graph, const AllocationTable& table,
                                 uint64_t address, uint64_t size, const std::string& name,
                                 uint32_t layout, std::span<const uint8_t> bytes) {
  ExpressionEdges edges;
  if (auto node = table.find(address)) {
    edges.located = true;
    const uint64_t start = table.address(*node);
    edges.in_allocation.from = *node + 1;  // its graph node
    const KindId kind = *node < graph.kinds.size() ? graph.kinds[*node] : kNoKind;
    const bool typed_so = kind < graph.kind_layouts.size() && !graph.kind_layouts[kind].array &&
                          graph.kind_layouts[kind].layout == layout;
    edges.whole = address == start && typed_so && table.holds_exactly(*node, size);
    if (edges.whole) {
      edges.in_allocation.end = UINT32_MAX;
    } else {
      const uint64_t end = address - start + std::max<uint64_t>(size, 1);
      edges.in_allocation.begin = static_cast<uint32_t>(address - start);
      edges.in_allocation.end = static_cast<uint32_t>(std::min<uint64_t>(end, UINT32_MAX));
    }
    return edges;
  }
  // The typed roots are the first labels, with their addresses.
  const uint32_t typed = std::min<uint32_t>(graph.typed_roots,
                                            static_cast<uint32_t>(graph.root_addresses.size()));
  std::vector<const std::string*> texts;
  for (uint32_t l = 0; l < typed && l < graph.root_labels.size(); ++l)
    if (graph.root_addresses[l] == address && names(graph.root_labels[l], name)) {
      edges.root_labels.push_back(l);
      texts.push_back(&graph.root_labels[l]);
    }
  if (edges.root_labels.empty()) {
    member_edges(graph, table, address, name, bytes, edges);
    return edges;
  }
  edges.located = true;
  if (graph.static_objects)  // a static object walked through a pointer goes by its root's name
    for (uint32_t l = graph.static_objects; l < graph.root_labels.size(); ++l)
      for (const std::string* text : texts)
        if (graph.root_labels[l] == *text) {
          edges.root_labels.push_back(l);
          break;
        }
  return edges;
}

std::vector<uint8_t> reached_from_expression(const ProcessGraph& graph, const ExpressionEdges& edges,
                                             EdgeFilter filter) {
  std::vector<GraphNode> targets;
  for (uint32_t e : edges.root_edges)
    if (follows(filter, graph.graph.provenance_of(e))) targets.push_back(graph.graph.target_of(e));
  std::vector<uint8_t> seen = reached_from_sources(graph, filter, edges.root_labels,
                                                   edges.in_allocation, targets);
  if (edges.whole && edges.in_allocation.from < seen.size()) seen[edges.in_allocation.from] = 1;
  return seen;
}

}  // namespace heapwalk::walker
