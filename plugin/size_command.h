#pragma once

#include "plugin/command_base.h"

namespace heapwalk::plugin {

// heap size EXPR: shallow, deep and retained size of an expression's object graph (the
// Topographica guide's asizeof / simsize, done from outside the process).
class SizeCommand final : public SessionCommand {
 public:
  using SessionCommand::SessionCommand;
  const char* name() const override { return "size"; }
  const char* help() const override {
    return "Show the shallow, deep and retained size of a variable's object graph, and its deep set by kind with element counts of arrays.";
  }
  std::string operands() const override { return "<EXPR>"; }
  std::string long_help() const override;
  std::vector<OptionSpec> options() const override;

 protected:
  void run(lldb::SBDebugger& debugger, const ParsedOptions& options,
           lldb::SBCommandReturnObject& result) override;
};

}  // namespace heapwalk::plugin
