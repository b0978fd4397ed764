#pragma once

#include "plugin/command_base.h"

namespace heapwalk::plugin {

// heap recognizers load FILE: teach heapwalk the program's own containers and allocators.
class RecognizersLoadCommand final : public HeapCommand {
 public:
  const char* name() const override { return "load"; }
  std::string path() const override { return "recognizers load"; }
  const char* help() const override {
    return "Read a recognizer file (TOML) that says what a type's fields mean.";
  }
  std::string operands() const override { return "<FILE>"; }
  std::string long_help() const override;
  std::vector<OptionSpec> options() const override { return {}; }

 protected:
  void run(lldb::SBDebugger& debugger, const ParsedOptions& options,
           lldb::SBCommandReturnObject& result) override;
};

// heap recognizers list: which recognizer files apply to the selected target.
class RecognizersListCommand final : public HeapCommand {
 public:
  const char* name() const override { return "list"; }
  std::string path() const override { return "recognizers list"; }
  const char* help() const override { return "List the recognizer files in use and their rules."; }
  std::string long_help() const override;
  std::vector<OptionSpec> options() const override;

 protected:
  void run(lldb::SBDebugger& debugger, const ParsedOptions& options,
           lldb::SBCommandReturnObject& result) override;
};

}  // namespace heapwalk::plugin
