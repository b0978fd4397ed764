#pragma once

#include "plugin/command_base.h"

namespace heapwalk::plugin {

// heap arenas: each malloc arena's memory by chunk state, and each thread's tcache.
class ArenasCommand final : public SessionCommand {
 public:
  using SessionCommand::SessionCommand;
  const char* name() const override { return "arenas"; }
  const char* help() const override {
    return "Show each malloc arena's memory by chunk state, free bins and fragmentation, and "
           "each thread's tcache.";
  }
  std::string long_help() const override;
  std::vector<OptionSpec> options() const override;

 protected:
  void run(lldb::SBDebugger& debugger, const ParsedOptions& options,
           lldb::SBCommandReturnObject& result) override;
};

}  // namespace heapwalk::plugin
