// heap partition: what the heap reachable from the roots is made of, by kind.
#include "plugin/partition_command.h"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>
#include <lldb/API/SBFrame.h>
#include <lldb/API/SBThread.h>

#include "plugin/paging.h"
#include "plugin/report_render.h"
#include "walker/reachable.h"
#include "walker/roots.h"
#include "walker/session.h"

namespace heapwalk::plugin {

namespace {
// RssAnon of this process: what the analysis holds beyond mapped files such as the core.
uint64_t anonymous_memory_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("RssAnon:", 0) == 0) return std::stoull(line.substr(8));
  return 0;
}
}  // namespace

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
  return "heap partition [--root <EXPR>] [--limit <N>] [--format text|json|csv] [--out <FILE>]";
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
  lldb::SBTarget target = debugger.GetSelectedTarget();
  if (!target.IsValid()) throw std::runtime_error("no target: create one or load a core first");
  uint64_t anon_before = anonymous_memory_kib();
  auto session = walker::Session::current(target, core_path_);

  std::vector<walker::Root> roots;
  if (options.has("root")) {
    lldb::SBFrame frame = target.GetProcess().GetSelectedThread().GetSelectedFrame();
    roots.push_back(walker::resolve_root(target, frame, options.get("root")));
  } else {
    roots = walker::global_roots(target);
  }
  lldb::SBCommandInterpreter interpreter = debugger.GetCommandInterpreter();
  auto partition = walker::partition_reachable(*session, roots,
                                               [&] { return interpreter.WasInterrupted(); });
  if (!partition) throw std::runtime_error("interrupted");

  for (const std::string& warning : session->heap().warnings)
    result.AppendWarning(warning.c_str());
  if (options.has("timings")) {
    std::string lines;
    for (const walker::PhaseTiming& t : session->timings())
      lines += fmt::format("heapwalk: {:<16} {:8.3f} s\n", t.phase, t.seconds);
    uint64_t allocations = std::max<uint64_t>(session->heap().in_use.size(), 1);
    uint64_t grown = (anonymous_memory_kib() - std::min(anon_before, anonymous_memory_kib())) * 1024;
    lines += fmt::format("heapwalk: memory from {}\n", session->memory().source());
    if (auto fetched = session->memory().fetch_stats(); fetched.bytes && fetched.seconds > 0)
      lines += fmt::format("heapwalk: read {} MiB of target memory at {:.2f} GB/s\n",
                           fetched.bytes >> 20, fetched.bytes / fetched.seconds / 1e9);
    lines += fmt::format("heapwalk: anonymous memory +{} MiB ({} bytes per allocation, {} allocations)\n",
                         grown >> 20, grown / allocations, allocations);
    fmt::print(stderr, "{}", lines);
  }

  if (format == "json") return emit(render_partition_json(*partition), options, result);
  if (format == "csv") return emit(render_partition_csv(*partition), options, result);
  emit(render_partition_text(*partition, 0, limit), options, result);
  size_t next = partition_page_end(*partition, 0, limit);
  remember_page(debugger.GetID(), Page{std::move(*partition), next, limit});
}

}  // namespace heapwalk::plugin
