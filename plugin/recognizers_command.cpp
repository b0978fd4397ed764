// heap recognizers load / list: the rule files (docs/recognizers.md) a target's walks use.
#include "plugin/recognizers_command.h"

#include <fmt/format.h>

#include "report/json.h"
#include "typeinfo/recognizers/allocator_rules.h"
#include "walker/recognizer_catalog.h"

namespace heapwalk::plugin {

using walker::RecognizerCatalog;

namespace {

lldb::SBTarget selected_target(lldb::SBDebugger& debugger) {
  lldb::SBTarget target = debugger.GetSelectedTarget();
  if (!target.IsValid()) throw std::runtime_error("no target: create one or load a core first");
  return target;
}

}  // namespace

std::string RecognizersLoadCommand::long_help() const {
  return "Reads FILE, a TOML file of [[recognizer]] tables, each of which says for a type name "
         "(with * and ** wildcards) what its fields mean when the debug info cannot: a pointer "
         "and a count of elements (array), the active member of a union and the field that "
         "chooses it (union), a pointer kept in an integer or a void* (pointer), the larger "
         "object a hook sits in (inside). The rules apply to the selected target from its next "
         "heap command on, before heapwalk's built-in ones. A broken file changes nothing and "
         "is reported with its line. heapwalk also reads EXE.heapwalk.toml beside the "
         "executable by itself. The format, with a worked example: docs/recognizers.md.\n\n"
         "Example:\n  (lldb) heap recognizers load mypool.toml\n\n";
}

void RecognizersLoadCommand::run(lldb::SBDebugger& debugger, const ParsedOptions& options,
                                 lldb::SBCommandReturnObject& result) {
  if (options.positional().size() != 1)
    throw std::runtime_error("give one file: heap recognizers load <FILE>");
  lldb::SBTarget target = selected_target(debugger);
  const std::string& path = options.positional()[0];
  size_t rules = RecognizerCatalog::instance().load(target, path);
  result.AppendMessage(fmt::format("Loaded {} recognizer{} from {}.", rules, rules == 1 ? "" : "s", path).c_str());
}

std::string RecognizersListCommand::long_help() const {
  return "Lists the recognizer files the selected target's walks use, in the order they are "
         "consulted (the first rule that matches a type wins): files loaded with 'heap "
         "recognizers load', the file beside the executable (EXE.heapwalk.toml), then "
         "heapwalk's built-in files for libraries; with the types each rule is for.\n\n";
}

std::vector<OptionSpec> RecognizersListCommand::options() const {
  return {{"format", 'f', "text|json", "Output format (default text)."}};
}

void RecognizersListCommand::run(lldb::SBDebugger& debugger, const ParsedOptions& options,
                                 lldb::SBCommandReturnObject& result) {
  std::string format = report_format(options, "text|json");
  lldb::SBTarget target = selected_target(debugger);
  auto sources = RecognizerCatalog::instance().sources(target);
  auto rules = RecognizerCatalog::instance().rules(target);
  std::string out;
  if (format == "json") {
    report::Json files = report::Json::array();
    for (const walker::RecognizerSource& source : sources) {
      report::Json types = report::Json::array(), allocators = report::Json::array();
      for (const typeinfo::TypeRule& r : rules->rules())
        if (r.source.file == source.file)
          for (const std::string& p : r.patterns) types.push_back(p);
      for (const typeinfo::AllocatorRule& a : rules->allocators())
        if (a.source.file == source.file)
          for (const std::string& p : a.patterns) allocators.push_back(p);
      files.push_back({{"file", source.file},
                       {"origin", source.origin},
                       {"rules", source.rules},
                       {"types", std::move(types)},
                       {"allocators", std::move(allocators)}});
    }
    out = report::json_text({{"files", std::move(files)}});
  } else {
    for (const walker::RecognizerSource& s : sources) {
      out += fmt::format("{} ({}): {} recognizer{}\n", s.file, s.origin, s.rules, s.rules == 1 ? "" : "s");
      for (const typeinfo::TypeRule& r : rules->rules()) {
        if (r.source.file != s.file) continue;
        std::string types;
        for (const std::string& p : r.patterns) types += (types.empty() ? "" : ", ") + p;
        out += fmt::format("  line {:>4}  {}\n", r.source.line, types);
      }
      for (const typeinfo::AllocatorRule& a : rules->allocators()) {
        if (a.source.file != s.file) continue;
        std::string types;
        for (const std::string& p : a.patterns) types += (types.empty() ? "" : ", ") + p;
        const char* form = a.form == typeinfo::AllocatorRule::Form::kHeap   ? "heap"
                           : a.form == typeinfo::AllocatorRule::Form::kPool ? "pool"
                                                                            : "bump";
        out += fmt::format("  line {:>4}  {} (allocator: {})\n", a.source.line, types, form);
      }
    }
  }
  result.PutCString(out.c_str(), static_cast<int>(out.size()));
}

}  // namespace heapwalk::plugin
