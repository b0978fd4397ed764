// What heap top, heap shpaths and heap dominators share (plugin/retention_common.h).
#include "plugin/retention_common.h"

#include <fmt/format.h>

#include "plugin/timings.h"
#include "walker/analysis/edge_labels.h"

namespace heapwalk::plugin {

using namespace heapwalk::report;
using walker::GraphNode;

const OptionSpec kTypedOnlyOption = {
    "typed-only", 'y', "",
    "Count typed edges only. By default words that merely look like pointers (in stacks, "
    "void* members, unions, slack) keep objects alive too; comparing both shows how much an "
    "answer rests on them. Weak pointers never keep anything alive."};
const OptionSpec kTimingsOption = {"timings", 't', "",
                                   "Print the wall time of each phase on the error stream."};

walker::EdgeFilter filter_of(const ParsedOptions& options) {
  return options.has("typed-only") ? walker::EdgeFilter::kTypedOnly : walker::EdgeFilter::kOwning;
}

std::string edges_counted(walker::EdgeFilter filter) {
  return filter == walker::EdgeFilter::kTypedOnly ? "typed edges only"
                                                  : "typed and conservative edges";
}

Retention retention(std::shared_ptr<walker::Session> session, walker::EdgeFilter filter,
                    const std::function<bool()>& interrupted) {
  Retention r{session, walker::process_graph(*session, interrupted), nullptr, nullptr};
  if (!r.graph) throw std::runtime_error("interrupted");
  r.tree = walker::dominators_of(*session, filter, interrupted);
  r.paths = walker::paths_of(*session, filter, interrupted);
  if (!r.tree || !r.paths) throw std::runtime_error("interrupted");
  return r;
}

GraphNode node_at(const walker::Session& session, const ParsedOptions& options) {
  std::string text = options.get("addr");
  uint64_t address = 0;
  try {
    size_t used = 0;
    address = std::stoull(text, &used, 0);
    if (used != text.size()) throw std::invalid_argument(text);
  } catch (const std::exception&) {
    throw std::runtime_error(fmt::format("--addr takes an address (0x55555556a2c0), not '{}'", text));
  }
  auto node = session.heap().in_use.find(address);
  if (!node)
    throw std::runtime_error(fmt::format("0x{:x} is in no allocation in use", address));
  return walker::graph_node(*node);
}

RetainedRow row_of(const Retention& r, GraphNode node, walker::PathTexts* paths) {
  const walker::AllocationTable& table = r.session->heap().in_use;
  RetainedRow row;
  row.address = table.address(walker::allocation_of(node));
  row.retained = r.tree->retained[node];
  row.shallow = table.usable_size(walker::allocation_of(node));
  row.kind = walker::node_kind(*r.session, *r.graph, node);
  if (paths) row.path = r.paths->reached(node) ? paths->text(node) : "<no path from the roots>";
  return row;
}

void print_graph_timings(const Retention& r, uint64_t anon_before) {
  print_timings(*r.session, anon_before);
  const walker::ProcessGraph& g = *r.graph;
  fmt::print(stderr,
             "heapwalk: heap graph: {} nodes, {} edges ({} typed, {} weak, {} conservative), "
             "{:.1f} MiB\n",
             g.graph.node_count(), g.graph.edge_count(), g.typed_edges, g.weak_edges,
             g.conservative_edges, g.graph.memory_bytes() / 1048576.0);
}

}  // namespace heapwalk::plugin
