// heap partition: what the heap reachable from the roots is made of, by kind.
#include "plugin/partition_command.h"

#include <fmt/format.h>
#include <lldb/API/SBFrame.h>
#include <lldb/API/SBThread.h>

#include "plugin/paging.h"
#include "report/report_render.h"
#include "plugin/timings.h"
#include "walker/analysis/reachable.h"
#include "walker/roots/roots.h"
#include "walker/session.h"

namespace heapwalk::plugin {

using namespace heapwalk::report;


std::vector<OptionSpec> PartitionCommand::options() const {
  std::vector<OptionSpec> specs = {
      {"root", 'r', "EXPR",
       "Walk from this variable or path (sim, sim->sheets, a local of the selected frame). "
       "Default: every global and static variable with debug info."},
      {"limit", 'l', "N", "Show the first N rows (default 10); 'heap more' shows the next N."},
      {"timings", 't', "", "Print the wall time of each phase on the error stream."},
  };
  for (OptionSpec& s : report_options()) specs.push_back(std::move(s));
  return specs;
}

std::string PartitionCommand::syntax() const {
  return "heap partition [--root <EXPR>] [--limit <N>] [--timings] [--format text|json|csv] [--out <FILE>]";
}

std::string PartitionCommand::long_help() const {
  return "Walks the typed object graph from the roots through DWARF types and libstdc++\n"
         "containers, and groups every reached heap allocation by kind: its dynamic type\n"
         "(Sheet), an element type with [] for array buffers (float[]), or a container's\n"
         "internals (std::map<std::string, Sheet*> node). Sizes are malloc usable sizes.\n"
         "Works at a breakpoint of a live process and on a core file; reads only.\n\n"
         "Example:\n  (lldb) heap partition --root sim\n"
         "  Partition of a set of 1032 objects. Total size = 3212080 bytes.\n\n";
}

void PartitionCommand::run(lldb::SBDebugger& debugger, const ParsedOptions& options,
                           lldb::SBCommandReturnObject& result) {
  std::string format = report_format(options);
  size_t limit = options.number("limit", 10);
  uint64_t anon_before = anonymous_memory_kib();
  auto session = session_of(debugger, core_path_);

  std::vector<walker::Root> roots;
  if (options.has("root")) {
    lldb::SBFrame frame = session->process().GetSelectedThread().GetSelectedFrame();
    roots.push_back(walker::resolve_root(session->target(), frame, options.get("root")));
  } else {
    roots = walker::global_roots(session->target());
  }
  auto partition = walker::partition_reachable(*session, roots, interruption(debugger));
  if (!partition) throw std::runtime_error("interrupted");

  for (const std::string& warning : session->heap().warnings)
    result.AppendWarning(warning.c_str());
  if (options.has("timings")) print_timings(*session, anon_before);

  if (format == "json") return emit(render_partition_json(*partition), options, result);
  if (format == "csv") return emit(render_partition_csv(*partition), options, result);
  emit(render_partition_text(*partition, 0, limit), options, result);
  size_t next = partition_page_end(*partition, 0, limit);
  remember_page(debugger.GetID(), Page{std::move(*partition), next, limit});
}

}  // namespace heapwalk::plugin
