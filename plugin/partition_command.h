#pragma once

#include "plugin/command_base.h"

namespace heapwalk::plugin {

class PartitionCommand final : public SessionCommand {
 public:
  using SessionCommand::SessionCommand;
  const char* name() const override { return "partition"; }
  const char* help() const override {
    return "Partition the heap reachable from the roots by kind, as Heapy does.";
  }
  std::string operands() const override { return "[{--root} | {--of}]"; }
  std::string long_help() const override;
  std::vector<OptionSpec> options() const override;

 protected:
  void run(lldb::SBDebugger& debugger, const ParsedOptions& options,
           lldb::SBCommandReturnObject& result) override;
};

}  // namespace heapwalk::plugin
