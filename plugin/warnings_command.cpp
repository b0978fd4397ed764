#include "plugin/warnings_command.h"

#include <fmt/format.h>

#include "plugin/warning_summary.h"
#include "report/json.h"

namespace heapwalk::plugin {

std::string WarningsCommand::long_help() const {
  return "Reading a stop's heap may find what does not add up: a damaged core, chunks that fail "
         "malloc's own checks, lists cut where they loop. Every other command shows these once "
         "per stop as a summary (a count per kind and its first examples); this command lists "
         "every one, with the notes about the stop (a program without debug info). JSON: "
         "{\"warnings\": [...], \"notes\": [...]}.\n\n";
}

std::vector<OptionSpec> WarningsCommand::options() const { return report_options("text|json"); }

void WarningsCommand::run(lldb::SBDebugger& debugger, const ParsedOptions& options,
                          lldb::SBCommandReturnObject& result) {
  std::string format = report_format(options, "text|json");
  auto session = open_session(debugger).session;
  const std::vector<std::string>& warnings = session->heap().warnings;
  const std::vector<std::string>& notes = session->notes();
  session->claim_once("heap warnings");  // listed here: no summary later at this stop
  if (format == "json") {
    report::Json json;
    json["warnings"] = warnings;
    json["notes"] = notes;
    return emit(report::json_text(json), options, result);
  }
  std::string text = fmt::format("{} warning{} about this stop's heap.\n", warnings.size(),
                                 warnings.size() == 1 ? "" : "s");
  for (const std::string& w : warnings) text += fmt::format("  [{}] {}\n", warning_kind(w), w);
  for (const std::string& n : notes) text += "note: " + n + "\n";
  emit(text, options, result);
}

}  // namespace heapwalk::plugin
