#pragma once

#include "plugin/command_base.h"

namespace heapwalk::plugin {

class PartitionCommand final : public HeapCommand {
 public:
  explicit PartitionCommand(std::string core_path) : core_path_(std::move(core_path)) {}
  const char* name() const override { return "partition"; }
  const char* help() const override {
    return "Partition the heap reachable from the roots by kind, as Heapy does.";
  }
  std::string syntax() const override;
  std::string long_help() const override;
  std::vector<OptionSpec> options() const override;

 protected:
  void run(lldb::SBDebugger& debugger, const ParsedOptions& options,
           lldb::SBCommandReturnObject& result) override;

 private:
  std::string core_path_;
};

}  // namespace heapwalk::plugin
