#pragma once

#include "plugin/command_base.h"

namespace heapwalk::plugin {

// heap summary: where every byte of the process goes (allsizes_mb, from outside).
class SummaryCommand final : public SessionCommand {
 public:
  using SessionCommand::SessionCommand;
  const char* name() const override { return "summary"; }
  const char* help() const override {
    return "Account for every byte of the process: code, stacks, objects, arrays, leaks, "
           "malloc's free memory and overhead.";
  }
  std::string long_help() const override;
  std::vector<OptionSpec> options() const override;

 protected:
  void run(lldb::SBDebugger& debugger, const ParsedOptions& options,
           lldb::SBCommandReturnObject& result) override;
};

}  // namespace heapwalk::plugin
