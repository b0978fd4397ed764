#include "walker/analysis/partition_untyped.h"

#include <map>
#include <string>

#include "typeinfo/type_names.h"
#include "walker/analysis/retained_sets.h"
#include "walker/analysis/edge_labels.h"
#include "walker/analysis/process_graph.h"
#include "walker/progress.h"

namespace heapwalk::walker {

bool program_without_debug_info(const Session& session) {
  for (const std::string& note : session.notes())
    if (note.find(" has no debug info ") != std::string::npos) return true;
  return false;
}

std::vector<uint32_t> reached_from_roots(const ProcessGraph& graph, EdgeFilter filter) {
  std::vector<bool> reached = reached_set(
      graph.graph, [](GraphNode from, uint32_t) { return from == kRootNode; }, filter);
  std::vector<uint32_t> set;
  for (GraphNode n = 1; n < reached.size(); ++n)
    if (reached[n]) set.push_back(allocation_of(n));
  return set;
}

Partition partition_by_kind_or_vtable(Session& session, const ProcessGraph& graph,
                                      const std::vector<uint32_t>& set) {
  const AllocationTable& table = session.heap().in_use;
  const std::string unnamed = "<conservative>";
  std::map<std::string, PartitionRow> rows;
  std::map<std::string, std::string> readable;  // demangled class name -> kind
  for (uint32_t n : set) {
    poll_interrupt();
    std::string kind = node_kind(session, graph, graph_node(n));
    if (kind == unnamed || kind == "<unreached>") {
      kind = unnamed;
      if (const std::string* cls =
              session.dynamic().vtable_class(session.memory().word(table.address(n)))) {
        auto [it, fresh] = readable.try_emplace(*cls);
        if (fresh) it->second = typeinfo::readable_type_name(*cls);
        kind = it->second;
      }
    }
    PartitionRow& row = rows[kind];
    row.count += 1;
    row.size += table.usable_size(n);
    row.nodes.push_back(n);
  }
  std::vector<PartitionRow> used;
  for (auto& [kind, row] : rows) {
    row.kind = kind;
    used.push_back(std::move(row));
  }
  return make_partition(std::move(used));
}

}  // namespace heapwalk::walker
