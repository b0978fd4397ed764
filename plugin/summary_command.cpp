#include "plugin/summary_command.h"

#include "report/ledger_render.h"
#include "walker/analysis/ledger.h"
#include "walker/analysis/process_graph.h"
#include "walker/memory/mappings.h"

namespace heapwalk::plugin {

using namespace heapwalk::report;

std::string SummaryCommand::long_help() const {
  return "The native counterpart of Topographica's allsizes_mb: one line comparing the "
         "process's resident size with where its mapped memory goes, then a ledger in which "
         "every byte falls into exactly one bucket: file-backed code and libraries, thread "
         "stacks, malloc'd objects reachable with a type, scalar arrays (buffers of numbers: "
         "the weights and activities), memory reachable only conservatively, leaks, free "
         "memory malloc keeps (bins, fastbins, tcache; top chunks), malloc's overhead, and "
         "other anonymous memory. The [malloc] rows sum exactly to the arenas' system "
         "memory plus the mmapped chunks. See docs/ledger.md.\n\n";
}

void SummaryCommand::run(lldb::SBDebugger& debugger, const ParsedOptions& options,
                         lldb::SBCommandReturnObject& result) {
  std::string format = report_format(options);
  auto session = open_session(debugger).session;

  auto leaks = walker::session_leaks(*session, interruption(debugger));
  if (!leaks) throw std::runtime_error("interrupted");
  auto graph = walker::process_graph(*session);  // built above: the session keeps it
  walker::ProcessMappings mappings = walker::process_mappings(session->process(), session->memory());
  walker::Ledger ledger = walker::build_ledger(*session, *graph, *leaks, mappings);
  warn_heap(*session, result);

  if (format == "json") return emit(render_ledger_json(ledger), options, result);
  if (format == "csv") return emit(render_ledger_csv(ledger), options, result);
  emit(render_ledger_text(ledger), options, result);
}

}  // namespace heapwalk::plugin
