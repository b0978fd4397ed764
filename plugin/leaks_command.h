#pragma once

#include "plugin/command_base.h"

namespace heapwalk::plugin {

// heap leaks: allocations in use that nothing reaches any more.
class LeaksCommand final : public SessionCommand {
 public:
  using SessionCommand::SessionCommand;
  const char* name() const override { return "leaks"; }
  const char* help() const override {
    return "Partition the allocations no root reaches, even conservatively: the leaks.";
  }
  std::string long_help() const override;
  std::vector<OptionSpec> options() const override;

 protected:
  void run(lldb::SBDebugger& debugger, const ParsedOptions& options,
           lldb::SBCommandReturnObject& result) override;
};

}  // namespace heapwalk::plugin
