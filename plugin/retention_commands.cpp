// heap top, heap shpaths, heap dominators: retention over the process graph of the stop.
#include "plugin/retention_commands.h"

#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "plugin/selection.h"
#include "plugin/timings.h"
#include "report/retention_render.h"
#include "walker/analysis/edge_labels.h"
#include "walker/analysis/retention.h"
#include "walker/graph/reverse_edges.h"

namespace heapwalk::plugin {

using namespace heapwalk::report;
using walker::GraphNode;

namespace {

const OptionSpec kTypedOnly = {
    "typed-only", 'y', "",
    "Count typed edges only. By default words that merely look like pointers (in stacks, "
    "void* members, unions, slack) keep objects alive too; comparing both shows how much an "
    "answer rests on them. Weak pointers never keep anything alive."};
const OptionSpec kTimings = {"timings", 't', "",
                             "Print the wall time of each phase on the error stream."};

walker::EdgeFilter filter_of(const ParsedOptions& options) {
  return options.has("typed-only") ? walker::EdgeFilter::kTypedOnly : walker::EdgeFilter::kOwning;
}

std::string edges_counted(walker::EdgeFilter filter) {
  return filter == walker::EdgeFilter::kTypedOnly ? "typed edges only"
                                                  : "typed and conservative edges";
}

// The process graph, the dominators and the shortest paths of this stop.
struct Retention {
  std::shared_ptr<walker::Session> session;
  std::shared_ptr<const walker::ProcessGraph> graph;
  std::shared_ptr<const walker::DominatorTree> tree;
  std::shared_ptr<const walker::ShortestPaths> paths;
};

Retention retention(std::shared_ptr<walker::Session> session, walker::EdgeFilter filter,
                    const std::function<bool()>& interrupted) {
  Retention r{session, walker::process_graph(*session, interrupted), nullptr, nullptr};
  if (!r.graph) throw std::runtime_error("interrupted");
  r.tree = walker::dominators_of(*session, filter, interrupted);
  r.paths = walker::paths_of(*session, filter, interrupted);
  if (!r.tree || !r.paths) throw std::runtime_error("interrupted");
  return r;
}

// The graph node of the allocation holding --addr; throws when there is none.
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

RetainedRow row_of(const Retention& r, GraphNode node, bool with_path) {
  const walker::AllocationTable& table = r.session->heap().in_use;
  RetainedRow row;
  row.address = table.address(walker::allocation_of(node));
  row.retained = r.tree->retained[node];
  row.shallow = table.usable_size(walker::allocation_of(node));
  row.kind = walker::node_kind(*r.session, *r.graph, node);
  if (with_path) {
    row.path = r.paths->reached(node)
                   ? walker::path_text(*r.session, *r.graph, r.paths->edges_to(node))
                   : "<no path from the roots>";
  }
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
  std::vector<OptionSpec> specs = {kTypedOnly, kTimings};
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
    count = parse_number("heap top", options.positional()[0], ParsedOptions::kMaxNumber);
  walker::EdgeFilter filter = filter_of(options);
  auto [session, anon_before] = open_session(debugger);
  Retention r = retention(session, filter, interruption(debugger));
  warn_heap(*session, result);

  RetainedReport report;
  report.total = r.tree->retained[walker::kRootNode];
  report.title = fmt::format(
      "Largest retained sizes of {} reached objects; total {} bytes ({}).",
      r.tree->preorder.size() - 1, report.total, edges_counted(filter));
  for (GraphNode node : walker::top_retained(*r.tree, count))
    report.rows.push_back(row_of(r, node, true));
  if (options.has("timings")) print_graph_timings(r, anon_before);
  emit_retained(report, format, options, result, &HeapCommand::emit);
}

// ---- heap shpaths --------------------------------------------------------------------------

std::vector<OptionSpec> ShpathsCommand::options() const {
  std::vector<OptionSpec> specs = {
      {"addr", 'a', "ADDRESS", "The object: the allocation that holds this address."},
      {"kind", 'k', "REGEX", "Objects whose kind matches this regular expression (ECMAScript)."},
      {"count", 'c', "N", "Show up to N paths (default 10)."},
      kTypedOnly,
      kTimings,
  };
  for (OptionSpec& s : report_options("text|json")) specs.push_back(std::move(s));
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
  std::string format = report_format(options, "text|json");
  const bool by_row = !options.positional().empty();
  if (options.positional().size() > 1 || by_row + options.has("addr") + options.has("kind") != 1)
    throw std::runtime_error("give one of <ROW>, --addr <ADDRESS> or --kind <REGEX>");
  size_t count = options.number("count", 10);
  walker::EdgeFilter filter = filter_of(options);
  auto [session, anon_before] = open_session(debugger);
  Retention r = retention(session, filter, interruption(debugger));
  const walker::HeapGraph& graph = r.graph->graph;
  const walker::AllocationTable& table = r.session->heap().in_use;

  PathsReport report;
  // Candidate paths as (length, text), shortest first.
  std::vector<std::pair<size_t, std::string>> found;
  if (options.has("addr")) {
    GraphNode target = node_at(*r.session, options);
    report.title = fmt::format("Shortest paths to 0x{:x} ({}, {} bytes):",
                               table.address(walker::allocation_of(target)),
                               walker::node_kind(*r.session, *r.graph, target),
                               graph.size(target));
    // Through each referrer the roots reach: its own shortest path, then the edge. The
    // target's in-edges, ascending (so by referrer, then by edge, as a scan would meet them).
    const walker::ReverseEdges& in = graph.in_edges();
    auto in_edges = in.edges(target);
    auto referrers = in.sources(target);
    for (size_t i = 0; i < in_edges.size(); ++i) {
      GraphNode from = referrers[i];
      uint32_t e = in_edges[i];
      if (!r.paths->reached(from) || !walker::follows(filter, graph.provenance_of(e))) continue;
      // One path per pointer: a shared_ptr's two words (object and control block) into one
      // make_shared block are one referrer. Earlier edges of the same referrer come just before.
      bool repeated = false;
      for (size_t j = i; j-- > 0 && referrers[j] == from && !repeated;)
        repeated = graph.where_of(in_edges[j]) == graph.where_of(e) &&
                   walker::follows(filter, graph.provenance_of(in_edges[j]));
      if (repeated) continue;
      std::vector<uint32_t> edges = r.paths->edges_to(from);
      edges.push_back(e);
      found.emplace_back(edges.size(), walker::path_text(*r.session, *r.graph, edges));
    }
  } else {
    // The objects: a row of the last table, or every reached object of the kinds matching.
    std::vector<walker::NodeId> objects;
    std::string what;
    if (by_row) {
      Selection row = selected_row(debugger, *r.session, options.positional()[0]);
      objects = std::move(row.nodes);
      what = row.what;
    } else {
      std::regex pattern;
      try {
        pattern = std::regex(options.get("kind"));
      } catch (const std::regex_error& e) {
        throw std::runtime_error(fmt::format("--kind: not a regular expression: {}", e.what()));
      }
      std::vector<int8_t> kind_matches(r.session->kinds().size(), -1);
      for (walker::NodeId n = 0; n < r.graph->kinds.size(); ++n) {
        walker::KindId k = r.graph->kinds[n];
        if (k == walker::kNoKind) continue;
        if (kind_matches[k] < 0)
          kind_matches[k] = std::regex_search(r.session->kinds().name(k), pattern) ? 1 : 0;
        if (kind_matches[k]) objects.push_back(n);
      }
      what = fmt::format("kinds matching '{}'", options.get("kind"));
    }
    std::vector<std::pair<size_t, GraphNode>> matches;
    uint64_t unreached = 0;
    for (walker::NodeId n : objects) {
      GraphNode node = walker::graph_node(n);
      if (r.paths->reached(node))
        matches.emplace_back(r.paths->edges_to(node).size(), node);
      else
        ++unreached;
    }
    std::stable_sort(matches.begin(), matches.end());
    report.title = fmt::format("Shortest paths to {} objects of {}:", objects.size(), what);
    if (unreached)
      report.title += fmt::format(" ({} reached by no root: leaks, see 'heap leaks')", unreached);
    for (size_t i = 0; i < matches.size() && i < count; ++i) {
      GraphNode node = matches[i].second;
      found.emplace_back(matches[i].first,
                         fmt::format("{} (0x{:x}, {})",
                                     walker::path_text(*r.session, *r.graph,
                                                       r.paths->edges_to(node)),
                                     table.address(walker::allocation_of(node)),
                                     walker::node_kind(*r.session, *r.graph, node)));
    }
    report.more = matches.size() > count ? matches.size() - count : 0;
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  if (options.has("addr")) {
    report.more = found.size() > count ? found.size() - count : 0;
    if (found.empty()) report.title += "\n(no path: nothing the roots reach points to it)";
  }
  for (size_t i = 0; i < found.size() && i < count; ++i) report.paths.push_back(found[i].second);
  if (options.has("timings")) print_graph_timings(r, anon_before);
  if (format == "json") return emit(render_paths_json(report), options, result);
  emit(render_paths_text(report), options, result);
}

// ---- heap dominators -----------------------------------------------------------------------

std::vector<OptionSpec> DominatorsCommand::options() const {
  std::vector<OptionSpec> specs = {
      {"addr", 'a', "ADDRESS", "The object: the allocation that holds this address."},
      {"depth", 'd', "D", "Show D levels below the object (default 3)."},
      {"limit", 'l', "N", "Show at most N children of each object, largest first (default 10)."},
      kTypedOnly,
      kTimings,
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
  // Depth first, largest children first.
  std::vector<std::pair<GraphNode, int>> todo{{top, 0}};
  while (!todo.empty()) {
    auto [node, level] = todo.back();
    todo.pop_back();
    RetainedRow row = row_of(r, node, level == 0);
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
