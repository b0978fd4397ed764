#include "walker/analysis/partition_by.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "walker/analysis/edge_labels.h"
#include "walker/analysis/partition_by_module.h"
#include "walker/graph/reverse_edges.h"

namespace heapwalk::walker {

PartitionBy partition_by_name(const std::string& name) {
  if (name == "kind") return PartitionBy::kKind;
  if (name == "owner") return PartitionBy::kOwner;
  if (name == "via") return PartitionBy::kVia;
  if (name == "size") return PartitionBy::kSize;
  if (name == "module") return PartitionBy::kModule;
  throw std::runtime_error(fmt::format("--by is kind, owner, via, size or module, not '{}'", name));
}

namespace {

// "<a>" for one name, "{a, b}" for several (sorted), as Heapy writes sets of kinds.
std::string set_name(const std::set<std::string>& names) {
  if (names.size() == 1) return "<" + *names.begin() + ">";
  std::string out = "{";
  for (const std::string& n : names) out += (out.size() > 1 ? ", " : "") + n;
  return out + "}";
}

}  // namespace

Partition partition_by(Session& session, const ProcessGraph& graph, std::span<const uint32_t> set,
                       PartitionBy by, EdgeFilter filter) {
  if (by == PartitionBy::kModule) return partition_by_module(session, graph, set);
  const AllocationTable& table = session.heap().in_use;
  const HeapGraph& g = graph.graph;
  std::vector<std::string> label(table.size());
  if (by == PartitionBy::kKind || by == PartitionBy::kSize) {
    for (uint32_t n : set)
      label[n] = by == PartitionBy::kSize ? fmt::format("{} bytes", table.usable_size(n))
                                          : node_kind(session, graph, graph_node(n));
  } else {
    // The referrers (or edge labels) of the set's members: their in-edges (built once per
    // graph, on first need).
    const ReverseEdges& in = g.in_edges();
    std::vector<bool> member(g.node_count(), false);
    std::vector<std::set<std::string>> names(table.size());
    // Labels by (kind, offset, conservative): all a label without keys depends on, so the
    // order the in-edges come in does not matter.
    std::map<std::tuple<KindId, uint32_t, bool>, std::string> via_cache;
    for (uint32_t n : set) {
      const GraphNode to = graph_node(n);
      if (member[to]) continue;  // once per member
      member[to] = true;
      auto in_edges = in.edges(to);
      auto sources = in.sources(to);
      for (size_t i = 0; i < in_edges.size(); ++i) {
        const uint32_t e = in_edges[i];
        const GraphNode from = sources[i];
        if (!follows(filter, g.provenance_of(e))) continue;
        std::string name;
        if (by == PartitionBy::kOwner) {
          name = from == kRootNode ? "roots" : node_kind(session, graph, from);
        } else if (from == kRootNode) {
          name = edge_label(session, graph, from, e, false);
        } else {
          KindId k = graph.kinds[allocation_of(from)];
          auto [it, fresh] = via_cache.try_emplace(
              {k, g.where_of(e), g.provenance_of(e) == EdgeProvenance::kConservative});
          if (fresh) it->second = edge_label(session, graph, from, e, false);
          name = it->second;
        }
        names[allocation_of(to)].insert(std::move(name));
      }
    }
    for (uint32_t n : set) {
      if (names[n].empty()) {
        label[n] = "<no referrer>";
      } else if (by == PartitionBy::kOwner) {
        label[n] = set_name(names[n]);
      } else {
        for (const std::string& via : names[n]) label[n] += (label[n].empty() ? "" : ", ") + via;
      }
    }
  }
  std::map<std::string, PartitionRow> rows;
  for (uint32_t n : set) {
    PartitionRow& row = rows[label[n]];
    row.kind = label[n];
    row.count += 1;
    row.size += table.usable_size(n);
    row.nodes.push_back(n);
  }
  std::vector<PartitionRow> out;
  for (auto& [_, row] : rows) out.push_back(std::move(row));
  return make_partition(std::move(out));
}

}  // namespace heapwalk::walker
