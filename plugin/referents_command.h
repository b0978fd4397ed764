#pragma once

#include "plugin/command_base.h"

namespace heapwalk::plugin {

// heap referents ROW / heap referrers ROW: partitions of what a row's objects point to, or of
// what points to them (Heapy's .referents and .referrers).
class ReferentsCommand final : public SessionCommand {
 public:
  ReferentsCommand(std::string core_path, bool referrers)
      : SessionCommand(std::move(core_path)), referrers_(referrers) {}
  const char* name() const override { return referrers_ ? "referrers" : "referents"; }
  const char* help() const override {
    return referrers_ ? "Partition what points to the objects of a row of the last table."
                      : "Partition what the objects of a row of the last table point to.";
  }
  std::string operands() const override { return "<ROW>"; }
  std::string long_help() const override;
  std::vector<OptionSpec> options() const override;

 protected:
  void run(lldb::SBDebugger& debugger, const ParsedOptions& options,
           lldb::SBCommandReturnObject& result) override;

 private:
  bool referrers_;
};

}  // namespace heapwalk::plugin
