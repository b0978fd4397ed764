// What every heap subcommand shares: option parsing, one place where errors become one line on
// the command's error stream, output to the result or to --out FILE.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <lldb/API/SBCommandInterpreter.h>
#include <lldb/API/SBCommandReturnObject.h>
#include <lldb/API/SBDebugger.h>

#include "plugin/options.h"
#include "walker/session.h"

namespace heapwalk::plugin {

class HeapCommand : public lldb::SBCommandPluginInterface {
 public:
  bool DoExecute(lldb::SBDebugger debugger, char** command,
                 lldb::SBCommandReturnObject& result) final;

  virtual const char* name() const = 0;
  // The words after "heap" ("recognizers load"), for messages.
  virtual std::string path() const { return name(); }
  virtual const char* help() const = 0;
  // "heap <path> <operands> [--option <VALUE>]…", from operands() and options().
  std::string syntax() const;
  virtual std::string long_help() const = 0;
  virtual std::vector<OptionSpec> options() const = 0;

 protected:
  // The syntax line's part before the options: positional arguments ("<ROW>", "[<N>]") and
  // groups of options that exclude each other ("[{--root} | {--of}]"); see syntax_line().
  virtual std::string operands() const { return {}; }

  // Does the work; throws std::runtime_error with a one-line reason on failure.
  virtual void run(lldb::SBDebugger& debugger, const ParsedOptions& options,
                   lldb::SBCommandReturnObject& result) = 0;

  // The session of the selected target's current stop; throws when there is no target.
  static std::shared_ptr<walker::Session> session_of(lldb::SBDebugger& debugger,
                                                     const std::string& core_path);
  // Whether the user pressed Ctrl-C, for long walks.
  static std::function<bool()> interruption(lldb::SBDebugger& debugger);

  // Writes the report to --out FILE, or to the command's output.
  static void emit(const std::string& report, const ParsedOptions& options,
                   lldb::SBCommandReturnObject& result);
};

// A command that reads the heap of the selected target's current stop: the live process, or the
// core given on heapwalk's command line.
class SessionCommand : public HeapCommand {
 public:
  explicit SessionCommand(std::string core_path) : core_path_(std::move(core_path)) {}

 protected:
  struct SessionStart {
    std::shared_ptr<walker::Session> session;
    uint64_t anon_before_kib = 0;  // this process's RssAnon before the work, for --timings
  };
  // What every run() does once its arguments are checked: notes the memory this process holds,
  // then takes the session of the current stop (throws when there is no target).
  SessionStart open_session(lldb::SBDebugger& debugger) const;

  // What reading the malloc heap found wrong, as the command's warnings.
  static void warn_heap(const walker::Session& session, lldb::SBCommandReturnObject& result);

 private:
  std::string core_path_;
};

// Options every report command takes; `formats` as --format lists them ("text|json").
std::vector<OptionSpec> report_options(const std::string& formats = "text|json|csv");

// One of `formats` from --format (default "text"); throws on anything else.
std::string report_format(const ParsedOptions& options,
                          const std::string& formats = "text|json|csv");

}  // namespace heapwalk::plugin
