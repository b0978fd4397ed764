#include "plugin/command_base.h"
#include "plugin/interrupt.h"
#include "plugin/output_file.h"
#include "plugin/timings.h"
#include "plugin/warning_summary.h"
#include "walker/memory/core_file.h"
#include "walker/memory/target_memory.h"
#include "walker/progress.h"

#include <algorithm>
#include <chrono>
#include <fstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <lldb/API/SBFileSpec.h>
#include <lldb/API/SBModule.h>
#include <lldb/API/SBProcess.h>
#include <lldb/API/SBTarget.h>

namespace heapwalk::plugin {

namespace {
// The session the running command works on, so that what its walk learned about recognizer
// rules that do not apply is warned about after it (once per session).
thread_local std::weak_ptr<walker::Session> command_session;
// The debugger of the running command, and the core heapwalk was started on: what --out must
// not overwrite.
thread_local lldb::SBDebugger* command_debugger = nullptr;
thread_local std::string command_core;

// The files the command reads or the target maps (see refuse_inputs for what lldb maps).
std::vector<InputFile> session_inputs() {
  std::vector<InputFile> inputs;
  auto path_of = [](lldb::SBFileSpec spec) {
    char buffer[4096];
    return spec.IsValid() && spec.GetPath(buffer, sizeof buffer) ? std::string(buffer) : std::string();
  };
  std::string core = command_core;
  if (auto session = command_session.lock(); session && core.empty())
    core = session->memory().core_path();
  if (!core.empty()) {
    inputs.push_back({core, "the core being read"});
    for (const walker::CoreFileMapping& file : walker::read_core_file(core).files)
      inputs.push_back({file.path, "a file the core's process mapped"});
  }
  if (!command_debugger) return inputs;
  lldb::SBTarget target = command_debugger->GetSelectedTarget();
  if (!target.IsValid()) return inputs;
  if (std::string exe = path_of(target.GetExecutable()); !exe.empty())
    inputs.push_back({exe, "the program being debugged"});
  for (uint32_t i = 0; i < target.GetNumModules(); ++i)
    if (std::string module = path_of(target.GetModuleAtIndex(i).GetFileSpec()); !module.empty())
      inputs.push_back({module, "a module of the target"});
  lldb::SBProcess process = target.GetProcess();
  if (process.IsValid() && !walker::is_core(process)) {
    std::ifstream maps(fmt::format("/proc/{}/maps", process.GetProcessID()));
    for (std::string line; std::getline(maps, line);)
      if (size_t slash = line.find('/'); slash != std::string::npos)
        inputs.push_back({line.substr(slash), "a file the target maps"});
  }
  return inputs;
}

void warn_rule_problems(lldb::SBCommandReturnObject& result) {
  if (auto session = command_session.lock())
    for (const std::string& problem : session->take_new_problems())
      result.AppendWarning(problem.c_str());
  command_session.reset();
}
}  // namespace

bool HeapCommand::DoExecute(lldb::SBDebugger debugger, char** command,
                            lldb::SBCommandReturnObject& result) {
  // Nothing may escape into LLDB: every failure becomes one line and a failed status.
  try {
    command_debugger = &debugger;
    command_core.clear();
    ParsedOptions parsed = parse_options(options(), command);
    if (parsed.positional().size() > max_positional(operands()))
      throw UsageError(fmt::format("unexpected argument '{}'",
                                   parsed.positional()[max_positional(operands())]));
    run(debugger, parsed, result);
    warn_rule_problems(result);
    command_debugger = nullptr;
    result.SetStatus(lldb::eReturnStatusSuccessFinishResult);
    return true;
  } catch (const UsageError& e) {
    result.SetError(fmt::format("heap {}: {}\nusage: {}", path(), e.what(), syntax()).c_str());
  } catch (const std::exception& e) {
    result.SetError(fmt::format("heap {}: {}", path(), e.what()).c_str());
  } catch (...) {
    result.SetError(fmt::format("heap {}: unexpected failure", path()).c_str());
  }
  command_session.reset();
  command_debugger = nullptr;
  result.SetStatus(lldb::eReturnStatusFailed);
  return false;
}

std::string HeapCommand::syntax() const {
  return syntax_line("heap " + path(), operands(), options());
}

SessionCommand::SessionStart SessionCommand::open_session(lldb::SBDebugger& debugger) const {
  SessionStart start;
  command_core = core_path_;
  start.anon_before_kib = anonymous_memory_kib();
  start.session = session_of(debugger, core_path_);
  return start;
}

void SessionCommand::warn_heap(const walker::Session& session, lldb::SBCommandReturnObject& result) {
  // Once per stop, as a summary (`heap warnings` lists them all).
  if (session.heap().warnings.empty() || !session.claim_once("heap warnings")) return;
  for (const std::string& line : summarize_warnings(session.heap().warnings))
    result.AppendWarning(line.c_str());
}

std::shared_ptr<walker::Session> HeapCommand::session_of(lldb::SBDebugger& debugger,
                                                        const std::string& core_path) {
  lldb::SBTarget target = debugger.GetSelectedTarget();
  if (!target.IsValid()) throw std::runtime_error("no target: create one or load a core first");
  auto session = walker::Session::current(target, core_path, interruption(debugger));
  command_session = session;
  return session;
}

std::function<bool()> HeapCommand::interruption(lldb::SBDebugger& debugger) {
  // Also the progress line: past the first second, once a second, what the work is doing.
  using Clock = std::chrono::steady_clock;
  return [interpreter = debugger.GetCommandInterpreter(), start = Clock::now(),
          last = Clock::now()]() mutable {
    auto now = Clock::now();
    const walker::Progress& p = walker::progress();
    if (p.phase && now - start >= std::chrono::seconds(1) && now - last >= std::chrono::seconds(1)) {
      last = now;
      if (p.total)
        fmt::print(stderr, "heapwalk: {} {}% ({} of {} {}), Ctrl-C stops\n", p.phase,
                   p.percent(), p.done, p.total, p.unit);
      else
        fmt::print(stderr, "heapwalk: {}: {} {}, Ctrl-C stops\n", p.phase, p.done, p.unit);
    }
    return interrupt_requested() || interpreter.WasInterrupted();
  };
}

void HeapCommand::emit(const std::string& report, const ParsedOptions& options,
                       lldb::SBCommandReturnObject& result) {
  if (!options.has("out")) {
    result.PutCString(report.c_str(), static_cast<int>(report.size()));
    return;
  }
  std::string path = options.get("out");
  refuse_inputs(path, session_inputs());
  write_output_file(path, report);
  result.AppendMessage(fmt::format("Wrote {} bytes to {}.", report.size(), path).c_str());
}

std::vector<OptionSpec> report_options(const std::string& formats) {
  return {
      {"format", 'f', formats, "Output format (default text). JSON fields: docs/json.md."},
      {"out", 'o', "FILE", "Write the report to FILE instead of the console."},
  };
}

std::string report_format(const ParsedOptions& options, const std::string& formats) {
  std::string format = options.get("format", "text");
  std::vector<std::string> allowed;
  for (size_t begin = 0;;) {
    size_t bar = formats.find('|', begin);
    allowed.push_back(formats.substr(begin, bar - begin));
    if (bar == std::string::npos) break;
    begin = bar + 1;
  }
  if (std::find(allowed.begin(), allowed.end(), format) != allowed.end()) return format;
  std::string list = allowed.back();
  if (allowed.size() > 1)
    list = fmt::format("{} or {}",
                       fmt::join(allowed.begin(), allowed.end() - 1, ", "), allowed.back());
  throw std::runtime_error(fmt::format("--format is {}, not '{}'", list, format));
}

}  // namespace heapwalk::plugin
