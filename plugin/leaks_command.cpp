#include "plugin/leaks_command.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "report/hex_preview.h"
#include "plugin/paging.h"
#include "report/report_render.h"
#include "plugin/timings.h"
#include "walker/analysis/leaks.h"
#include "walker/analysis/process_graph.h"

namespace heapwalk::plugin {

using namespace heapwalk::report;

namespace {
constexpr size_t kPreviewBytes = 16;
}  // namespace

std::vector<OptionSpec> LeaksCommand::options() const {
  std::vector<OptionSpec> specs = {
      {"limit", 'l', "N", "Show the first N rows (default 10); 'heap more' shows the next N."},
      {"show", 's', "N", "List up to N sample addresses of each shown row, with their first bytes."},
      {"timings", 't', "", "Print the wall time of each phase on the error stream."},
  };
  for (OptionSpec& s : report_options()) specs.push_back(std::move(s));
  return specs;
}

std::string LeaksCommand::long_help() const {
  return "Finds in-use allocations that no root reaches: not the typed globals, not the "
         "locals, registers and stacks of any thread, not TLS, not the data of modules "
         "without debug info, not even through words that merely look like pointers. "
         "A direct leak is one no other leak points to (one per leaked cycle); an indirect "
         "leak is reachable only from other leaks. Kinds come from vtables, from typed "
         "pointers inside leaked objects, or are <untyped N bytes>. A stale copy of a "
         "pointer in a register or a dead stack slot can hide a leak (see docs/leaks.md).\n\n";
}

void LeaksCommand::run(lldb::SBDebugger& debugger, const ParsedOptions& options,
                       lldb::SBCommandReturnObject& result) {
  std::string format = report_format(options);
  size_t limit = options.number("limit", 10);
  size_t show = options.number("show", 0);
  auto [session, anon_before] = open_session(debugger);

  auto report = walker::session_leaks(*session, interruption(debugger));
  if (!report) throw std::runtime_error("interrupted");
  const walker::LeakReport* leaks = &*report;
  warn_heap(*session, result);
  if (options.has("timings")) {
    print_timings(*session, anon_before);
    auto graph = walker::process_graph(*session);  // built above: the session keeps it
    fmt::print(stderr, "heapwalk: scanned {} MiB conservatively\n",
               graph->words_scanned * 8 >> 20);
    const walker::LeakSplitStats& split = leaks->split;
    fmt::print(stderr,
               "heapwalk: leak split: {} leaks, {} edges, {} components; graph {:.3f} s, "
               "components {:.3f} s; peak {:.1f} MiB ({} bytes per leak, {} per allocation)\n",
               leaks->leaks.size(), split.edges, split.components, split.graph_seconds,
               split.components_seconds, split.peak_bytes / 1048576.0,
               split.peak_bytes / std::max<uint64_t>(leaks->leaks.size(), 1),
               split.peak_bytes / std::max<uint64_t>(session->heap().in_use.size(), 1));
    fmt::print(stderr,
               "heapwalk: heap graph: {} edges ({} among leaks: {} typed, {} conservative), "
               "leak phase {:.3f} s; {:.1f} MiB ({} bytes per allocation)\n",
               graph->graph.edge_count(), graph->leak_typed_edges + graph->leak_conservative_edges,
               graph->leak_typed_edges, graph->leak_conservative_edges, graph->leak_seconds,
               graph->memory_bytes() / 1048576.0,
               graph->memory_bytes() / std::max<uint64_t>(session->heap().in_use.size(), 1));
  }

  const walker::AllocationTable& table = session->heap().in_use;
  // Where the chunk walk was cut by damage, the objects there (and the pointers they held) are
  // gone: what only they reached now counts as leaked. Say so beside the answer.
  uint64_t cut_blocks = 0, cut_bytes = 0;
  for (walker::NodeId n = 0; n < table.size(); ++n)
    if (table.unknown(n)) ++cut_blocks, cut_bytes += table.usable_size(n);
  if (cut_blocks)
    result.AppendWarning(fmt::format("damaged heap: {} bytes in {} stretch{} could not be read as "
                                     "chunks, so leaks may include objects whose only referrers "
                                     "were there",
                                     cut_bytes, cut_blocks, cut_blocks == 1 ? "" : "es")
                             .c_str());
  walker::Partition partition = leaks->partition(session->kinds(), table);
  // Sample addresses per kind, lowest first.
  std::map<std::string, std::vector<uint64_t>> samples;
  if (show)
    for (const walker::Leak& leak : leaks->leaks) {
      auto& list = samples[session->kinds().name(leak.kind)];
      if (list.size() < show) list.push_back(table.address(leak.node));
    }

  size_t shown_rows = partition_page_end(partition, 0, limit);
  std::string out;
  if (format == "json") {
    Json extra = {{"direct", leaks->direct}, {"indirect", leaks->indirect}};
    if (show) {
      Json list = Json::object();
      for (const auto& [kind, addresses] : samples) {
        Json& items = list[kind] = Json::array();
        for (uint64_t a : addresses) items.push_back(fmt::format("0x{:x}", a));
      }
      extra["samples"] = std::move(list);
    }
    out = render_partition_json(partition, extra);
  } else if (format == "csv") {
    out = render_partition_csv(partition);
  } else {
    out = render_partition_text(partition, 0, limit);
    out += fmt::format("{} leaks: {} direct, {} indirect.\n", leaks->leaks.size(), leaks->direct,
                       leaks->indirect);
    for (size_t row = 0; show && row < shown_rows; ++row) {
      const std::string& kind = partition.rows[row].kind;
      out += fmt::format("{:>6} {}:\n", row, kind);
      for (uint64_t address : samples[kind]) {
        auto node = table.find(address);
        uint8_t bytes[kPreviewBytes] = {};
        size_t n = std::min<uint64_t>(kPreviewBytes, table.usable_size(*node));
        session->memory().read(address, bytes, n);
        out += fmt::format("         0x{:x} {:>8} bytes  {}\n", address, table.usable_size(*node),
                           hex_preview({bytes, n}));
      }
    }
  }
  // The rows are selections whatever the format (heap shpaths 0, heap referrers 1): the page
  // takes the partition (its node lists are 4 bytes a leak: moved, not copied).
  remember_page(debugger.GetID(), Page{std::move(partition), shown_rows, limit, session});
  emit(out, options, result);
}

}  // namespace heapwalk::plugin
