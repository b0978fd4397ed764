#include "plugin/summary_command.h"

#include "plugin/timings.h"

#include "report/ledger_render.h"
#include "walker/analysis/ledger.h"
#include "walker/analysis/array_ledger.h"
#include "walker/analysis/module_ledger.h"
#include "walker/analysis/process_graph.h"
#include "walker/analysis/resident_ledger.h"
#include "walker/memory/mappings.h"

namespace heapwalk::plugin {

using namespace heapwalk::report;

std::vector<OptionSpec> SummaryCommand::options() const {
  std::vector<OptionSpec> specs = {
      {"by", 'b', "bucket|module",
       "bucket (the default): the whole-process ledger. module: resident and mapped bytes of "
       "each executable, shared library and mapped file, by part (text, rodata, relro, data, "
       "bss)."},
      {"timings", 't', "", "Print the wall time of each phase on the error stream."},
  };
  for (OptionSpec& s : report_options()) specs.push_back(std::move(s));
  return specs;
}

std::string SummaryCommand::long_help() const {
  return "The native counterpart of Topographica's allsizes_mb: one line splitting the "
         "process's resident size (top's RES: VmRSS, and exactly the sum of smaps' Rss) among "
         "the buckets, a second splitting its mapped memory, then a ledger in which every "
         "resident and every mapped byte falls into exactly one bucket: file-backed code and libraries, thread "
         "stacks, malloc'd objects reachable with a type, scalar arrays (buffers of numbers: "
         "the weights and activities), memory reachable only conservatively, leaks, free "
         "memory malloc keeps (bins, fastbins, tcache; top chunks), malloc's overhead, and "
         "address space reserved for thread arenas, other anonymous memory. The [malloc] rows' "
         "mapped bytes sum exactly to the arenas' system memory plus the mmapped chunks. "
         "Then what malloc keeps: resident free memory, what malloc_trim(0) would give back, "
         "mp_'s thresholds. A core has no residency: its resident column is an estimate "
         "(pages that are not all zero). See docs/ledger.md.\n\n";
}

void SummaryCommand::run(lldb::SBDebugger& debugger, const ParsedOptions& options,
                         lldb::SBCommandReturnObject& result) {
  std::string format = report_format(options);
  std::string by = options.get("by", "bucket");
  if (by != "bucket" && by != "module")
    throw std::runtime_error("--by takes bucket or module, not '" + by + "'");
  auto [session, anon_before] = open_session(debugger);
  if (by == "module") {
    walker::ProcessMappings mappings =
        walker::process_mappings(session->process(), session->memory());
    walker::ModuleLedger modules = walker::module_ledger(*session, mappings);
    if (format == "json") return emit(render_module_ledger_json(modules), options, result);
    if (format == "csv") return emit(render_module_ledger_csv(modules), options, result);
    return emit(render_module_ledger_text(modules), options, result);
  }

  // The arrays ledger needs element counts: the graph's walk records them if it is built here.
  auto graph = walker::process_graph(*session, interruption(debugger), /*with_counts=*/true);
  if (!graph) throw std::runtime_error("interrupted");
  auto leaks = walker::session_leaks(*session, interruption(debugger));
  if (!leaks) throw std::runtime_error("interrupted");
  auto start = std::chrono::steady_clock::now();
  walker::ProcessMappings mappings = walker::process_mappings(session->process(), session->memory());
  walker::Ledger ledger = walker::build_ledger(session->heap(), *graph, *leaks, mappings);
  session->record("ledger", start);
  start = std::chrono::steady_clock::now();
  walker::add_residency(ledger, *session, graph->reach_flags, *leaks, mappings);
  session->record("ledger: resident", start);
  // The arrays row by element type, named and counted by the process graph.
  start = std::chrono::steady_clock::now();
  walker::add_array_ledger(ledger, *session, *graph, *leaks, mappings);
  session->record("ledger: arrays", start);
  warn_heap(*session, result);
  if (options.has("timings")) print_timings(*session, anon_before);

  if (format == "json") return emit(render_ledger_json(ledger), options, result);
  if (format == "csv") return emit(render_ledger_csv(ledger), options, result);
  emit(render_ledger_text(ledger), options, result);
}

}  // namespace heapwalk::plugin
