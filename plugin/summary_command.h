#pragma once

#include "plugin/command_base.h"

namespace heapwalk::plugin {

// heap summary: where every byte of the process goes (allsizes_mb, from outside).
class SummaryCommand final : public HeapCommand {
 public:
  explicit SummaryCommand(std::string core_path) : core_path_(std::move(core_path)) {}
  const char* name() const override { return "summary"; }
  const char* help() const override {
    return "Account for every byte of the process: code, stacks, objects, arrays, leaks, "
           "malloc's free memory and overhead.";
  }
  std::string syntax() const override {
    return "heap summary [--format text|json|csv] [--out <FILE>]";
  }
  std::string long_help() const override;
  std::vector<OptionSpec> options() const override { return report_options(); }

 protected:
  void run(lldb::SBDebugger& debugger, const ParsedOptions& options,
           lldb::SBCommandReturnObject& result) override;

 private:
  std::string core_path_;
};

}  // namespace heapwalk::plugin
