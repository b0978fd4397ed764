// heap referents / heap referrers: one step along the process graph from a row's objects.
#include "plugin/referents_command.h"

#include <fmt/format.h>

#include "plugin/paging.h"
#include "plugin/selection.h"
#include "plugin/timings.h"
#include "report/report_render.h"
#include "walker/analysis/partition_by.h"
#include "walker/analysis/process_graph.h"
#include "walker/graph/reverse_edges.h"

namespace heapwalk::plugin {

using namespace heapwalk::report;
using walker::GraphNode;

std::vector<OptionSpec> ReferentsCommand::options() const {
  std::vector<OptionSpec> specs = {
      {"typed-only", 'y', "",
       "Follow typed edges only. By default words that merely look like pointers count too. "
       "Weak pointers never do."},
      {"limit", 'l', "N", "Show the first N rows (default 10); 'heap more' shows the next N."},
      {"timings", 't', "", "Print the wall time of each phase on the error stream."},
  };
  for (OptionSpec& s : report_options()) specs.push_back(std::move(s));
  return specs;
}

std::string ReferentsCommand::long_help() const {
  if (referrers_)
    return "Partitions, by kind, the objects that point to the objects of ROW, a row of the "
           "last table (heap partition, heap leaks, heap referents, ...), over the graph of the "
           "whole process; pointers from roots (globals, stacks, registers, TLS) form the row "
           "<roots>. Its rows are selections in turn, so a chain of owners can be followed "
           "row by row. Leaked objects are not walked: nothing in the graph starts at a leak."
           "\n\nExample:\n  (lldb) heap partition --root sim\n  (lldb) heap referrers 0\n\n";
  return "Partitions, by kind, the objects that the objects of ROW, a row of the last table "
         "(heap partition, heap leaks, heap referrers, ...), point to, over the graph of the "
         "whole process. Its rows are selections in turn.\n\n"
         "Example:\n  (lldb) heap partition --root sim\n  (lldb) heap referents 2\n\n";
}

void ReferentsCommand::run(lldb::SBDebugger& debugger, const ParsedOptions& options,
                           lldb::SBCommandReturnObject& result) {
  std::string format = report_format(options);
  if (options.positional().size() != 1)
    throw std::runtime_error(fmt::format("give one row of the last table: heap {} <ROW>", name()));
  size_t limit = options.number("limit", 10);
  auto [session, anon_before] = open_session(debugger);
  Selection row = selected_row(debugger, *session, options.positional()[0]);
  auto graph = walker::process_graph(*session, interruption(debugger));
  if (!graph) throw std::runtime_error("interrupted");
  const walker::HeapGraph& g = graph->graph;
  walker::EdgeFilter filter =
      options.has("typed-only") ? walker::EdgeFilter::kTypedOnly : walker::EdgeFilter::kOwning;

  std::vector<bool> in_row(g.node_count(), false), found(g.node_count(), false);
  uint64_t root_edges = 0;
  if (referrers_) {
    // The row's in-edges (built once per graph, on first need).
    const walker::ReverseEdges& in = g.in_edges();
    for (uint32_t n : row.nodes) {
      GraphNode to = walker::graph_node(n);
      if (in_row[to]) continue;  // once per object
      in_row[to] = true;
      auto edges = in.edges(to);
      auto sources = in.sources(to);
      for (size_t i = 0; i < edges.size(); ++i)
        if (walker::follows(filter, g.provenance_of(edges[i]))) {
          if (sources[i] == walker::kRootNode) ++root_edges;
          else found[sources[i]] = true;
        }
    }
  } else {
    for (uint32_t n : row.nodes) {
      GraphNode from = walker::graph_node(n);
      for (uint32_t e = g.first_edge(from); e < g.first_edge(from + 1); ++e)
        if (walker::follows(filter, g.provenance_of(e))) found[g.target_of(e)] = true;
    }
  }

  // By kind, as partition_by names them; pointers from roots are one more row.
  std::vector<uint32_t> objects;
  for (GraphNode v = 1; v < g.node_count(); ++v)
    if (found[v]) objects.push_back(walker::allocation_of(v));
  std::vector<walker::PartitionRow> rows =
      walker::partition_by(*session, *graph, objects, walker::PartitionBy::kKind, filter).rows;
  if (root_edges) rows.emplace_back("<roots>", root_edges, 0);
  walker::Partition partition = walker::make_partition(std::move(rows));
  if (options.has("timings")) print_timings(*session, anon_before);

  size_t next = partition_page_end(partition, 0, limit);
  std::string out;
  if (format == "json") {
    out = render_partition_json(partition, {{"of", row.what}});
  } else if (format == "csv") {
    out = render_partition_csv(partition);
  } else {
    out = fmt::format("{} of {}:\n", referrers_ ? "Referrers" : "Referents", row.what) +
          render_partition_text(partition, 0, limit);
  }
  remember_page(debugger.GetID(), Page{std::move(partition), next, limit, session});
  emit(out, options, result);
}

}  // namespace heapwalk::plugin
