#pragma once

#include "plugin/command_base.h"

namespace heapwalk::plugin {

// heap warnings: every warning about the current stop (the other commands show a summary once).
class WarningsCommand final : public SessionCommand {
 public:
  using SessionCommand::SessionCommand;
  const char* name() const override { return "warnings"; }
  const char* help() const override {
    return "List every warning about the current stop's heap (the other commands summarize them "
           "once per stop).";
  }
  std::string long_help() const override;
  std::vector<OptionSpec> options() const override;

 protected:
  void run(lldb::SBDebugger& debugger, const ParsedOptions& options,
           lldb::SBCommandReturnObject& result) override;
};

}  // namespace heapwalk::plugin
