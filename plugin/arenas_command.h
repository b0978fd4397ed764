#pragma once

#include "plugin/command_base.h"

namespace heapwalk::plugin {

// heap arenas: each malloc arena's memory by chunk state, and each thread's tcache.
class ArenasCommand final : public HeapCommand {
 public:
  explicit ArenasCommand(std::string core_path) : core_path_(std::move(core_path)) {}
  const char* name() const override { return "arenas"; }
  const char* help() const override {
    return "Show each malloc arena's memory by chunk state, free bins and fragmentation, and "
           "each thread's tcache.";
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
