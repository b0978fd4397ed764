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
  virtual std::string syntax() const = 0;
  virtual std::string long_help() const = 0;
  virtual std::vector<OptionSpec> options() const = 0;

 protected:
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

// Options every report command takes.
std::vector<OptionSpec> report_options();

// "text", "json" or "csv" from --format; throws on anything else.
std::string report_format(const ParsedOptions& options);

}  // namespace heapwalk::plugin
