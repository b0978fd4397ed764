// heap size EXPR: what an expression's object graph weighs, three ways.
#include "plugin/size_command.h"

#include <fmt/format.h>
#include <lldb/API/SBFrame.h>
#include <lldb/API/SBThread.h>

#include "report/size_render.h"

#include "plugin/selection.h"
#include "plugin/timings.h"
#include "walker/analysis/expression_edges.h"
#include "walker/analysis/retained_sets.h"
#include "walker/analysis/kind_breakdown.h"
#include "walker/analysis/process_graph.h"
#include "walker/roots/roots.h"

namespace heapwalk::plugin {

std::vector<OptionSpec> SizeCommand::options() const {
  std::vector<OptionSpec> specs = {
      {"typed-only", 'y', "",
       "Follow typed edges only, for the deep and the retained size. By default bytes no type "
       "explains are scanned for pointers too."},
      {"kinds", 'k', "N",
       "Show the N largest kinds of the deep set (default 10; 0: all). JSON and CSV have them "
       "all."},
      {"timings", 't', "", "Print the wall time of each phase on the error stream."},
  };
  for (OptionSpec& s : report_options()) specs.push_back(std::move(s));
  return specs;
}

std::string SizeCommand::long_help() const {
  return "Measures EXPR, a variable or a path from one as C++ writes it and heap shpaths prints "
         "it (sim, sim->sheets, 'sim->sheets[\"V1\"]' for a map's key, *ptr, -> through a "
         "unique_ptr or shared_ptr, a local of the selected frame), three ways, from the stop's object graph (the edges that start in "
         "EXPR's own bytes, as heap partition --root EXPR reads them). Shallow: the object itself "
         "(for a pointer, the heap allocation it points to). Deep: every heap allocation "
         "reachable from it, each counted once, container buffers included. Retained: what would "
         "be freed if EXPR were gone, that is what the process's roots no longer reach once "
         "EXPR's own pointers are cut (for a whole heap object such as *sim, once its allocation "
         "is gone); what other roots also reach is not retained. Weak pointers keep nothing.\n\n"
         "Then the deep set by kind, largest first, with the element count of array kinds "
         "(the Topographica guide's n_bytes and n_conns): how many elements the arrays' owners "
         "hold, a vector's size, new T[n]'s n, an Eigen matrix's rows x cols, never usable "
         "bytes divided by the element size (malloc's slack and a vector's spare capacity would "
         "make that wrong). Arrays that only a raw pointer or a conservative word reaches have "
         "no known count, and the report says how many those are.\n\n"
         "Example:\n  (lldb) heap size sim\n"
         "  ...\n"
         "  deep, by kind:\n"
         "    float[]: 578 arrays, 1,063,025 elements, 4.1 MiB\n\n";
}

void SizeCommand::run(lldb::SBDebugger& debugger, const ParsedOptions& options,
                      lldb::SBCommandReturnObject& result) {
  std::string format = report_format(options);
  if (options.positional().size() != 1)
    throw std::runtime_error("give one expression: heap size <EXPR>");
  const std::string expr = options.positional()[0];
  auto [session, anon_before] = open_session(debugger);
  lldb::SBFrame frame = session->process().GetSelectedThread().GetSelectedFrame();
  walker::Root root = walker::resolve_root(session->target(), frame, expr);
  const bool typed_only = options.has("typed-only");
  walker::EdgeFilter filter = typed_only ? walker::EdgeFilter::kTypedOnly : walker::EdgeFilter::kOwning;
  const walker::AllocationTable& table = session->heap().in_use;

  // Shallow: the object, or for a pointer the allocation it points at.
  uint64_t size = root.type.GetByteSize(), shallow = size, object = root.address;
  const std::string type_name =
      session->types().layout(session->types().intern(root.type)).name;  // as partitions write it
  std::string shallow_what = fmt::format("the {} at 0x{:x}", type_name, root.address);
  if (root.type.GetCanonicalType().IsPointerType()) {
    uint64_t target = session->memory().word(root.address);
    if (auto node = table.find(target)) {
      object = table.address(*node);
      shallow = table.usable_size(*node);
      shallow_what = fmt::format("the allocation at 0x{:x} it points to", object);
    }
  }

  // EXPR's own edges, read off the stop's graph: deep is what they reach, retained what the
  // roots no longer reach once they are cut (once EXPR's allocation is gone, when EXPR is it).
  auto graph = walker::process_graph(*session, interruption(debugger));
  if (!graph) throw std::runtime_error("interrupted");
  const walker::ExpressionEdges edges = expression_edges_of(*session, *graph, root);
  auto start = std::chrono::steady_clock::now();
  const walker::HeapGraph& g = graph->graph;
  walker::RetainedSet retained;
  if (edges.whole) {
    const walker::GraphNode self = edges.in_allocation.from;
    retained = walker::retained_by_set(g, std::span(&self, 1), filter);
  } else {
    retained = walker::retained_by_cut(
        g, [&](walker::GraphNode from, uint32_t edge) { return edges.selects(g, from, edge); },
        filter);
  }
  std::vector<uint8_t> reached = walker::reached_from_expression(*graph, edges, filter);
  std::vector<bool> deep_set(reached.begin(), reached.end());
  if (!deep_set.empty()) deep_set[walker::kRootNode] = false;
  report::SizeReport report;
  report.expr = expr;
  report.type = type_name;
  report.address = root.address;
  report.shallow = shallow;
  report.shallow_what = shallow_what;
  for (walker::GraphNode n = 1; n < deep_set.size(); ++n)
    if (deep_set[n]) {
      ++report.deep.count;
      report.deep.bytes += g.size(n);
    }
  report.retained = retained;
  report.typed_only = typed_only;
  const walker::ElementCounts* counts = walker::element_counts(*session, *graph, interruption(debugger));
  if (!counts) throw std::runtime_error("interrupted");
  report.by_kind = walker::kind_breakdown(*session, *graph, *counts, deep_set);
  session->record("retained size", start);
  if (options.has("timings")) print_timings(*session, anon_before);

  std::string out = format == "json"  ? report::render_size_json(report)
                    : format == "csv" ? report::render_size_csv(report)
                                      : report::render_size_text(report, options.number("kinds", 10));
  emit(out, options, result);
}

}  // namespace heapwalk::plugin
