#include "plugin/command_base.h"
#include "plugin/timings.h"
#include "walker/progress.h"

#include <algorithm>
#include <chrono>
#include <fstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace heapwalk::plugin {

namespace {
// The session the running command works on, so that what its walk learned about recognizer
// rules that do not apply is warned about after it (once per session).
thread_local std::weak_ptr<walker::Session> command_session;

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
    ParsedOptions parsed = parse_options(options(), command);
    run(debugger, parsed, result);
    warn_rule_problems(result);
    result.SetStatus(lldb::eReturnStatusSuccessFinishResult);
    return true;
  } catch (const std::exception& e) {
    result.SetError(fmt::format("heap {}: {}", path(), e.what()).c_str());
  } catch (...) {
    result.SetError(fmt::format("heap {}: unexpected failure", path()).c_str());
  }
  command_session.reset();
  result.SetStatus(lldb::eReturnStatusFailed);
  return false;
}

std::string HeapCommand::syntax() const {
  return syntax_line("heap " + path(), operands(), options());
}

SessionCommand::SessionStart SessionCommand::open_session(lldb::SBDebugger& debugger) const {
  SessionStart start;
  start.anon_before_kib = anonymous_memory_kib();
  start.session = session_of(debugger, core_path_);
  return start;
}

void SessionCommand::warn_heap(const walker::Session& session, lldb::SBCommandReturnObject& result) {
  for (const std::string& warning : session.heap().warnings) result.AppendWarning(warning.c_str());
}

std::shared_ptr<walker::Session> HeapCommand::session_of(lldb::SBDebugger& debugger,
                                                        const std::string& core_path) {
  lldb::SBTarget target = debugger.GetSelectedTarget();
  if (!target.IsValid()) throw std::runtime_error("no target: create one or load a core first");
  auto session = walker::Session::current(target, core_path);
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
      fmt::print(stderr, "heapwalk: {} {}% ({} of {} allocations reached), Ctrl-C stops\n",
                 p.phase, p.percent(), p.done, p.total);
    }
    return interpreter.WasInterrupted();
  };
}

void HeapCommand::emit(const std::string& report, const ParsedOptions& options,
                       lldb::SBCommandReturnObject& result) {
  if (!options.has("out")) {
    result.PutCString(report.c_str(), static_cast<int>(report.size()));
    return;
  }
  std::string path = options.get("out");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !out.write(report.data(), static_cast<std::streamsize>(report.size())))
    throw std::runtime_error(fmt::format("cannot write '{}'", path));
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
