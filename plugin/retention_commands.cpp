// heap top, heap dominators: retention over the process graph of the stop (heap shpaths:
// plugin/shpaths_command.cpp).
#include "plugin/retention_commands.h"

#include <algorithm>

#include <fmt/format.h>

#include "plugin/retention_common.h"
#include "walker/progress.h"

namespace heapwalk::plugin {

using namespace heapwalk::report;
using walker::GraphNode;

namespace {

void emit_retained(const RetainedReport& report, const std::string& format,
                   const ParsedOptions& options, lldb::SBCommandReturnObject& result,
                   void (*emit)(const std::string&, const ParsedOptions&,
                                lldb::SBCommandReturnObject&)) {
  if (format == "json") return emit(render_retained_json(report), options, result);
  if (format == "csv") return emit(render_retained_csv(report), options, result);
  emit(render_retained_text(report), options, result);
}

}  // namespace

// ---- heap top ------------------------------------------------------------------------------

std::vector<OptionSpec> TopCommand::options() const {
  std::vector<OptionSpec> specs = {kTypedOnlyOption, kTimingsOption};
  for (OptionSpec& s : report_options()) specs.push_back(std::move(s));
  return specs;
}

std::string TopCommand::long_help() const {
  return "Builds the graph of every object the process reaches from all its roots (globals, "
         "statics, TLS, every thread's locals, registers and stack), computes its dominator "
         "tree, and lists the N objects (default 10) whose retained size is largest: what "
         "would be freed if that object alone were freed, itself included. Each row shows its "
         "shallow size, its kind and a shortest path from the roots, typed edges preferred. "
         "The graph is built once per stop and reused by heap shpaths and heap dominators.\n\n"
         "Example:\n  (lldb) heap top 5\n\n";
}

void TopCommand::run(lldb::SBDebugger& debugger, const ParsedOptions& options,
                     lldb::SBCommandReturnObject& result) {
  std::string format = report_format(options);
  size_t count = 10;
  if (options.positional().size() > 1) throw std::runtime_error("give one count: heap top [<N>]");
  if (!options.positional().empty())
    count = parse_number("the count <N>", options.positional()[0], ParsedOptions::kMaxNumber);
  walker::EdgeFilter filter = filter_of(options);
  auto [session, anon_before] = open_session(debugger);
  Retention r = retention(session, filter, interruption(debugger));
  warn_heap(*session, result);

  walker::FreedAfterInterrupt<RetainedReport> report;
  report->total = r.tree->retained[walker::kRootNode];
  report->title = fmt::format(
      "Largest retained sizes of {} reached objects; total {} bytes ({}).",
      r.tree->preorder.size() - 1, report->total, edges_counted(filter));
  walker::FreedAfterInterrupt<walker::PathTexts> paths(*r.session, *r.graph, *r.paths);
  for (GraphNode node : walker::top_retained(*r.tree, count)) {
    walker::poll_interrupt(64);  // a path per row: heap top 1000000 takes a while
    report->rows.push_back(row_of(r, node, &*paths));
  }
  if (options.has("timings")) print_graph_timings(r, anon_before);
  emit_retained(*report, format, options, result, &HeapCommand::emit);
}

// ---- heap dominators -----------------------------------------------------------------------

std::vector<OptionSpec> DominatorsCommand::options() const {
  std::vector<OptionSpec> specs = {
      {"addr", 'a', "ADDRESS", "The object: the allocation that holds this address."},
      {"depth", 'd', "D", "Show D levels below the object (default 3)."},
      {"limit", 'l', "N", "Show at most N children of each object, largest first (default 10)."},
      kTypedOnlyOption,
      kTimingsOption,
  };
  for (OptionSpec& s : report_options()) specs.push_back(std::move(s));
  return specs;
}

std::string DominatorsCommand::long_help() const {
  return "Shows the dominator subtree below an object: the objects only it keeps alive, as an "
         "indented tree, each with its retained size (what would be freed with it). The first "
         "row is the object itself, with a shortest path from the roots.\n\n"
         "Example:\n  (lldb) heap dominators --addr 0x55555556a2c0 --depth 2\n\n";
}

void DominatorsCommand::run(lldb::SBDebugger& debugger, const ParsedOptions& options,
                            lldb::SBCommandReturnObject& result) {
  std::string format = report_format(options);
  if (!options.has("addr")) throw std::runtime_error("give the object: --addr <ADDRESS>");
  size_t depth = options.number("depth", 3), limit = options.number("limit", 10);
  walker::EdgeFilter filter = filter_of(options);
  auto [session, anon_before] = open_session(debugger);
  Retention r = retention(session, filter, interruption(debugger));
  GraphNode top = node_at(*r.session, options);
  if (!r.tree->reached(top))
    throw std::runtime_error(filter == walker::EdgeFilter::kTypedOnly
                                 ? "no typed path from the roots reaches this object (without "
                                   "--typed-only, words that look like pointers may)"
                                 : "no root reaches this object: see 'heap leaks'");

  // Children lists of the dominator tree, as CSR over the nodes.
  const size_t n = r.tree->idom.size();
  std::vector<uint32_t> first(n + 1, 0);
  for (GraphNode v : r.tree->preorder)
    if (v != walker::kRootNode) ++first[r.tree->idom[v] + 1];
  for (size_t i = 0; i < n; ++i) first[i + 1] += first[i];
  std::vector<GraphNode> children(first[n]);
  std::vector<uint32_t> cursor(first.begin(), first.end() - 1);
  for (GraphNode v : r.tree->preorder)
    if (v != walker::kRootNode) children[cursor[r.tree->idom[v]]++] = v;

  RetainedReport report;
  report.total = r.tree->retained[walker::kRootNode];
  report.title = fmt::format("Dominator subtree of 0x{:x}: {} bytes retained ({}).",
                             r.session->heap().in_use.address(walker::allocation_of(top)),
                             r.tree->retained[top], edges_counted(filter));
  walker::PathTexts paths(*r.session, *r.graph, *r.paths);
  // Depth first, largest children first.
  std::vector<std::pair<GraphNode, int>> todo{{top, 0}};
  while (!todo.empty()) {
    walker::poll_interrupt(64);  // a path per row, children sorted
    auto [node, level] = todo.back();
    todo.pop_back();
    RetainedRow row = row_of(r, node, level == 0 ? &paths : nullptr);
    row.depth = level;
    report.rows.push_back(std::move(row));
    if (static_cast<size_t>(level) >= depth) continue;
    std::vector<GraphNode> kids(children.begin() + first[node], children.begin() + first[node + 1]);
    std::sort(kids.begin(), kids.end(), [&](GraphNode a, GraphNode b) {
      return r.tree->retained[a] != r.tree->retained[b] ? r.tree->retained[a] > r.tree->retained[b]
                                                        : a < b;
    });
    if (kids.size() > limit) {
      uint64_t rest = 0;
      for (size_t i = limit; i < kids.size(); ++i) rest += r.tree->retained[kids[i]];
      report.notes.push_back(fmt::format("<{} more children of 0x{:x}, {} bytes retained>",
                                         kids.size() - limit,
                                         r.session->heap().in_use.address(walker::allocation_of(node)),
                                         rest));
      kids.resize(limit);
    }
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) todo.emplace_back(*it, level + 1);
  }
  if (options.has("timings")) print_graph_timings(r, anon_before);
  emit_retained(report, format, options, result, &HeapCommand::emit);
}

}  // namespace heapwalk::plugin
