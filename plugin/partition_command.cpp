// heap partition: what the heap reachable from the roots is made of, by kind.
#include "plugin/partition_command.h"

#include <fmt/format.h>
#include <lldb/API/SBFrame.h>
#include <lldb/API/SBThread.h>

#include "plugin/paging.h"
#include "plugin/selection.h"
#include "report/report_render.h"
#include "plugin/timings.h"
#include "walker/analysis/dominators.h"
#include "walker/analysis/retained_sets.h"
#include "walker/analysis/partition_by.h"
#include "walker/analysis/partition_untyped.h"
#include "walker/analysis/process_graph.h"
#include "walker/analysis/expression_edges.h"
#include "walker/analysis/root_reach.h"
#include "walker/progress.h"
#include "walker/roots/roots.h"
#include "walker/session.h"

namespace heapwalk::plugin {

using namespace heapwalk::report;

std::vector<OptionSpec> PartitionCommand::options() const {
  std::vector<OptionSpec> specs = {
      {"root", 'r', "EXPR",
       "Partition what this expression's object graph holds, read from the stop's graph: any "
       "variable or path (sim, a local of the selected frame, sim->sheets, *ptr, "
       "layers[0], g.member, 'sim->sheets[\"V1\"]' for a map's key: see help heap size), what the pointers in its own bytes reach (the object itself too "
       "when it is a whole heap allocation, as *sim is). Default: every global, function-local "
       "static and thread_local variable with debug info."},
      {"typed-only", 'y', "",
       "Only what typed edges reach. By default, bytes no type explains (void* members, unions, "
       "slack) are also scanned for pointers, and what only they reach is counted as "
       "<conservative> (or by its vtable's type)."},
      {"retained", 'R', "",
       "Add each row's retained size: what would be freed if every object of the row were "
       "freed (Heapy's definition: what the roots no longer reach without the row, counted "
       "once), over the graph of the whole process."},
      {"by", 'b', "kind|owner|via|size|module",
       "Group by kind (the default), by the kinds of each object's referrers (owner: who holds "
       "it), by the edge labels it is referenced through (via), by its size, or by the module "
       "(executable or shared library) that defines its kind: for an object with a vtable the "
       "module holding the vtable, for other class types the module whose debug info defines "
       "it (when several do, its owner's if that is one of them, else the first in the target's "
       "module order), and for what names no class (float[], char[] (string), control blocks, "
       "<conservative>) the module of its owner, the lowest-addressed heap object with a typed "
       "pointer to it, or of the global that points to it; else <no module>. Rows read "
       "libfoo.so.1; JSON gives each module's full path."},
      {"of", 0, "ROW",
       "Partition the objects of ROW of the last table instead of what the roots reach "
       "(heap partition --of 0 --by owner)."},
      {"limit", 'l', "N", "Show the first N rows (default 10); 'heap more' shows the next N."},
      {"timings", 't', "", "Print the wall time of each phase on the error stream."},
  };
  for (OptionSpec& s : report_options()) specs.push_back(std::move(s));
  return specs;
}

std::string PartitionCommand::long_help() const {
  return "Reads the stop's object graph (built once per stop through DWARF types and libstdc++ "
         "containers, and shared by every heap command) from the roots, or from --root EXPR, "
         "and groups every reached heap allocation by kind: its dynamic type (Sheet), an element "
         "type with [] for array buffers (float[]), or a container's internals "
         "(std::map<std::string, Sheet*> node). Bytes that no type explains are scanned for "
         "pointers too, so nothing reachable is left out: what only they reach is "
         "<conservative>. Weak pointers keep nothing in the set. Sizes are malloc usable sizes. "
         "Works at a breakpoint of a live process and on a core file; reads only.\n\n"
         "Example:\n  (lldb) heap partition --root sim\n"
         "  Partition of a set of 1032 objects. Total size = 3212080 bytes.\n\n";
}

void PartitionCommand::run(lldb::SBDebugger& debugger, const ParsedOptions& options,
                           lldb::SBCommandReturnObject& result) {
  std::string format = report_format(options);
  size_t limit = options.number("limit", 10);
  auto [session, anon_before] = open_session(debugger);

  walker::PartitionBy by = walker::partition_by_name(options.get("by", "kind"));
  if (options.has("of") && options.has("root"))
    throw std::runtime_error("give --root <EXPR> or --of <ROW>, not both");
  const auto filter = options.has("typed-only") ? walker::EdgeFilter::kTypedOnly
                                                : walker::EdgeFilter::kOwning;
  std::optional<walker::Partition> partition;
  std::string of;  // what a partition of a selection is of
  if (options.has("of")) {
    Selection row = selected_row(debugger, *session, options.get("of"));
    of = row.what;
    auto graph = walker::process_graph(*session, interruption(debugger));
    if (!graph) throw std::runtime_error("interrupted");
    partition = walker::partition_by(*session, *graph, row.nodes, by, filter);
  } else if (!options.has("root") && walker::program_without_debug_info(*session)) {
    // No types, so no typed global to start from: what the process's roots reach
    // conservatively, named by vtables where it can be (the session's note says so).
    auto graph = walker::process_graph(*session, interruption(debugger));
    if (!graph) throw std::runtime_error("interrupted");
    std::vector<uint32_t> set = walker::reached_from_roots(*graph, filter);
    partition = by == walker::PartitionBy::kKind
                    ? walker::partition_by_kind_or_vtable(*session, *graph, set)
                    : walker::partition_by(*session, *graph, set, by, filter);
  } else {
    std::optional<walker::Root> root;
    if (options.has("root")) {
      lldb::SBFrame frame = session->process().GetSelectedThread().GetSelectedFrame();
      root = walker::resolve_root(session->target(), frame, options.get("root"));
    }
    // What the static roots, or EXPR's own edges, reach in the process graph (through the
    // static objects on the way): no walk of its own.
    auto graph = walker::process_graph(*session, interruption(debugger));
    if (!graph) throw std::runtime_error("interrupted");
    std::vector<uint32_t> labels;
    if (root) labels = walker::static_root_labels(*graph, root->address, root->label);
    auto start = std::chrono::steady_clock::now();
    const walker::KindId unnamed = session->kinds().intern("<conservative>");
    if (!root || !labels.empty()) {
      std::vector<uint8_t> wanted(graph->root_labels.size(), root ? 0 : 1);
      for (uint32_t l : labels) wanted[l] = 1;
      const uint32_t statics = graph->static_roots;
      partition = walker::partition_reached(*graph, session->kinds(), filter, unnamed,
                                            [&](uint32_t l) { return l < statics && wanted[l]; });
    } else {
      const walker::ExpressionEdges edges = expression_edges_of(*session, *graph, *root);
      partition = walker::partition_of_reached(*graph, session->kinds(), filter, unnamed,
                                               walker::reached_from_expression(*graph, edges, filter));
    }
    session->record("partition", start);
    if (by != walker::PartitionBy::kKind) {  // regroup the set over the process graph
      std::vector<uint32_t> set;
      for (const walker::PartitionRow& row : partition->rows)
        set.insert(set.end(), row.nodes.begin(), row.nodes.end());
      partition = walker::partition_by(*session, *graph, set, by, filter);
    }
  }

  warn_heap(*session, result);

  if (options.has("retained")) {
    auto graph = walker::process_graph(*session, interruption(debugger));
    if (!graph) throw std::runtime_error("interrupted");
    auto start = std::chrono::steady_clock::now();
    const auto interrupted = interruption(debugger);
    for (walker::PartitionRow& row : partition->rows) {
      if (interrupted()) throw walker::Interrupted();  // a traversal per row
      std::vector<walker::GraphNode> set;
      set.reserve(row.nodes.size());
      for (uint32_t n : row.nodes) set.push_back(walker::graph_node(n));
      row.retained = walker::retained_by_set(graph->graph, set, filter).bytes;
    }
    partition->has_retained = true;
    // A row's retained size can exceed the set's size (--of): its percentage is of everything
    // the roots reach, as in heap top.
    partition->reached_size =
        walker::reached_through(
            graph->graph, [](walker::GraphNode from, uint32_t) { return from == walker::kRootNode; },
            filter)
            .bytes;
    session->record("retained sizes", start);
  }
  if (options.has("timings")) print_timings(*session, anon_before);

  size_t next = partition_page_end(*partition, 0, limit);
  std::string out = format == "json"  ? render_partition_json(*partition)
                    : format == "csv" ? render_partition_csv(*partition)
                                      : render_partition_text(*partition, 0, limit);
  if (!of.empty() && format == "text") out = "Partition of " + of + ":\n" + out;
  remember_page(debugger.GetID(), Page{std::move(*partition), next, limit, session});
  emit(out, options, result);
}

}  // namespace heapwalk::plugin
