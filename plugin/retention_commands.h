#pragma once

#include "plugin/command_base.h"

namespace heapwalk::plugin {

// heap top [N]: the objects with the largest retained sizes, with a shortest path to each.
class TopCommand final : public SessionCommand {
 public:
  using SessionCommand::SessionCommand;
  const char* name() const override { return "top"; }
  const char* help() const override {
    return "List the objects that retain the most memory (the top of the dominator tree).";
  }
  std::string operands() const override { return "[<N>]"; }
  std::string long_help() const override;
  std::vector<OptionSpec> options() const override;

 protected:
  void run(lldb::SBDebugger& debugger, const ParsedOptions& options,
           lldb::SBCommandReturnObject& result) override;
};

// heap shpaths --addr A | --kind REGEX: shortest paths from the roots.
class ShpathsCommand final : public SessionCommand {
 public:
  using SessionCommand::SessionCommand;
  const char* name() const override { return "shpaths"; }
  const char* help() const override {
    return "Show the shortest paths from the roots that keep an object, or objects of a kind, alive.";
  }
  std::string operands() const override { return "(<ROW> | {--addr} | {--kind})"; }
  std::string long_help() const override;
  std::vector<OptionSpec> options() const override;

 protected:
  void run(lldb::SBDebugger& debugger, const ParsedOptions& options,
           lldb::SBCommandReturnObject& result) override;
};

// heap dominators --addr A: the dominator subtree below an object.
class DominatorsCommand final : public SessionCommand {
 public:
  using SessionCommand::SessionCommand;
  const char* name() const override { return "dominators"; }
  const char* help() const override {
    return "Show what an object alone keeps alive: its dominator subtree with retained sizes.";
  }
  std::string operands() const override { return "{--addr}"; }
  std::string long_help() const override;
  std::vector<OptionSpec> options() const override;

 protected:
  void run(lldb::SBDebugger& debugger, const ParsedOptions& options,
           lldb::SBCommandReturnObject& result) override;
};

}  // namespace heapwalk::plugin
