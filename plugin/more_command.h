#pragma once

#include "plugin/command_base.h"

namespace heapwalk::plugin {

// heap more: the next rows of the last table.
class MoreCommand final : public HeapCommand {
 public:
  const char* name() const override { return "more"; }
  const char* help() const override { return "Show the next rows of the last heap table."; }
  std::string long_help() const override {
    return "Continues the last table (heap partition, heap leaks, heap referents or heap "
           "referrers), like Heapy's '.more'. The table stays the last one, so its rows remain "
           "selections for heap shpaths, heap referents, heap referrers and heap partition "
           "--of.\n\n";
  }
  std::vector<OptionSpec> options() const override {
    return {{"limit", 'l', "N", "Show N rows (default: as many as the table showed)."}};
  }

 protected:
  void run(lldb::SBDebugger& debugger, const ParsedOptions& options,
           lldb::SBCommandReturnObject& result) override;
};

}  // namespace heapwalk::plugin
