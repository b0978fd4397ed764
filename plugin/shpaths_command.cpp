// heap shpaths: shortest paths from the roots to an object (through each of its referrers), to a
// row's objects or to the objects of some kinds. Only the paths shown are built: candidates are
// ranked by the depth the breadth-first search recorded, then the `--count` shortest selected.
#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "plugin/retention_commands.h"
#include "plugin/retention_common.h"
#include "plugin/selection.h"
#include "walker/analysis/edge_labels.h"
#include "walker/graph/reverse_edges.h"
#include "walker/progress.h"

namespace heapwalk::plugin {

using namespace heapwalk::report;
using walker::GraphNode;

namespace {

// --addr: the shortest path through each referrer the roots reach (its own shortest path, then
// the edge), shortest first (equal lengths in the order of the target's in-edges: by referrer,
// then by edge, as a scan would meet them).
void paths_through_referrers(const Retention& r, GraphNode target, walker::EdgeFilter filter,
                             size_t count, PathsReport& report) {
  const walker::HeapGraph& graph = r.graph->graph;
  const uint64_t address = r.session->heap().in_use.address(walker::allocation_of(target));
  const std::string kind = walker::node_kind(*r.session, *r.graph, target);
  report.title = fmt::format("Shortest paths to 0x{:x} ({}, {} bytes):", address, kind,
                             graph.size(target));
  const walker::ReverseEdges& in = graph.in_edges();
  auto in_edges = in.edges(target);
  auto referrers = in.sources(target);
  // (length, in-edge index) in one word: the order is the key's.
  std::vector<uint64_t> candidates;
  for (size_t i = 0; i < in_edges.size(); ++i) {
    walker::poll_interrupt();
    GraphNode from = referrers[i];
    uint32_t e = in_edges[i];
    if (!r.paths->reached(from) || !walker::follows(filter, graph.provenance_of(e))) continue;
    // One path per pointer: a shared_ptr's two words (object and control block) into one
    // make_shared block are one referrer. Earlier edges of the same referrer come just before.
    bool repeated = false;
    for (size_t j = i; j-- > 0 && referrers[j] == from && !repeated;)
      repeated = graph.where_of(in_edges[j]) == graph.where_of(e) &&
                 walker::follows(filter, graph.provenance_of(in_edges[j]));
    if (!repeated) candidates.push_back(uint64_t{r.paths->depth(from) + 1} << 32 | i);
  }
  const size_t shown = std::min(count, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + shown, candidates.end());
  for (size_t k = 0; k < shown; ++k) {
    walker::poll_interrupt(64);  // a path per row
    const uint32_t i = static_cast<uint32_t>(candidates[k]);
    std::vector<uint32_t> edges = r.paths->edges_to(graph, referrers[i]);
    edges.push_back(in_edges[i]);
    report.rows.push_back({walker::path_text(*r.session, *r.graph, edges), address, kind});
  }
  report.more = candidates.size() - shown;
  if (candidates.empty()) report.title += "\n(no path: nothing the roots reach points to it)";
}

// The graph nodes of every object of the kinds matching --kind.
std::vector<GraphNode> objects_of_kinds(const Retention& r, const std::string& regex) {
  std::regex pattern;
  try {
    pattern = std::regex(regex);
  } catch (const std::regex_error& e) {
    throw std::runtime_error(fmt::format("--kind: not a regular expression: {}", e.what()));
  }
  std::vector<GraphNode> objects;
  std::vector<int8_t> kind_matches(r.session->kinds().size(), -1);
  for (walker::NodeId n = 0; n < r.graph->kinds.size(); ++n) {
    walker::poll_interrupt();
    walker::KindId k = r.graph->kinds[n];
    if (k == walker::kNoKind) continue;
    if (kind_matches[k] < 0)
      kind_matches[k] = std::regex_search(r.session->kinds().name(k), pattern) ? 1 : 0;
    if (kind_matches[k]) objects.push_back(walker::graph_node(n));
  }
  return objects;
}

// A row or --kind: the shortest path to each object, shortest first (equal lengths by address).
void paths_to_objects(const Retention& r, const std::vector<GraphNode>& objects,
                      const std::string& what, size_t count, PathsReport& report) {
  walker::ShortestFirst first = walker::shortest_first(*r.paths, objects, count);
  report.per_object = true;
  report.title = fmt::format("Shortest paths to {} object{} of {}:", objects.size(),
                             objects.size() == 1 ? "" : "s", what);
  if (first.unreached)
    report.title +=
        fmt::format(" ({} reached by no root: leaks, see 'heap leaks')", first.unreached);
  walker::FreedAfterInterrupt<walker::PathTexts> paths(*r.session, *r.graph, *r.paths);
  for (GraphNode node : first.nodes) {
    walker::poll_interrupt(64);  // a path per row
    report.rows.push_back({paths->text(node),
                           r.session->heap().in_use.address(walker::allocation_of(node)),
                           walker::node_kind(*r.session, *r.graph, node)});
  }
  report.more = first.reached - first.nodes.size();
}

}  // namespace

std::vector<OptionSpec> ShpathsCommand::options() const {
  std::vector<OptionSpec> specs = {
      {"addr", 'a', "ADDRESS", "The object: the allocation that holds this address."},
      {"kind", 'k', "REGEX", "Objects whose kind matches this regular expression (ECMAScript)."},
      {"count", 'c', "N", "Show up to N paths (default 10)."},
      {"typed-only", 'y', "",
       "Follow typed edges only: no path through a word that merely looks like a pointer (~>), "
       "and objects only such words reach have none. By default paths prefer typed edges. A "
       "weak_ptr's pointer to its object is never followed."},
      kTimingsOption,
  };
  for (OptionSpec& s : report_options()) specs.push_back(std::move(s));
  return specs;
}

std::string ShpathsCommand::long_help() const {
  return "Shows how the program still reaches an object: shortest paths from the roots, "
         "written as C++ (sim->sheets[0]->weights; ~> marks a word that merely looks like a "
         "pointer). For --addr, the shortest path through each of the object's referrers, "
         "shortest first; for a ROW of the last table (heap partition, heap leaks, heap "
         "referents, ...) or for --kind, the shortest path to each of its objects, shortest "
         "first. Paths prefer typed edges and never use weak pointers.\n\n"
         "Examples:\n  (lldb) heap partition --root sim\n  (lldb) heap shpaths 0\n"
         "  (lldb) heap shpaths --kind 'float\\[\\]' --count 3\n\n";
}

void ShpathsCommand::run(lldb::SBDebugger& debugger, const ParsedOptions& options,
                         lldb::SBCommandReturnObject& result) {
  std::string format = report_format(options);
  const bool by_row = !options.positional().empty();
  if (options.positional().size() > 1 || by_row + options.has("addr") + options.has("kind") != 1)
    throw std::runtime_error("give one of <ROW>, --addr <ADDRESS> or --kind <REGEX>");
  size_t count = options.number("count", 10);
  walker::EdgeFilter filter = filter_of(options);
  auto [session, anon_before] = open_session(debugger);
  Retention r = retention(session, filter, interruption(debugger));

  walker::FreedAfterInterrupt<PathsReport> held;
  PathsReport& report = *held;
  if (options.has("addr")) {
    paths_through_referrers(r, node_at(*r.session, options), filter, count, report);
  } else if (by_row) {
    Selection row = selected_row(debugger, *r.session, options.positional()[0]);
    std::vector<GraphNode> objects;
    objects.reserve(row.nodes.size());
    for (walker::NodeId n : row.nodes) objects.push_back(walker::graph_node(n));
    paths_to_objects(r, objects, row.what, count, report);
  } else {
    paths_to_objects(r, objects_of_kinds(r, options.get("kind")),
                     fmt::format("kinds matching '{}'", options.get("kind")), count, report);
  }
  if (options.has("timings")) print_graph_timings(r, anon_before);
  if (format == "json") return emit(render_paths_json(report), options, result);
  if (format == "csv") return emit(render_paths_csv(report), options, result);
  emit(render_paths_text(report), options, result);
}

}  // namespace heapwalk::plugin
