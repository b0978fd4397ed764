#pragma once

#include "plugin/command_base.h"

namespace heapwalk::plugin {

// heap top [N]: the objects with the largest retained sizes, with a shortest path to each.
class TopCommand final : public HeapCommand {
 public:
  explicit TopCommand(std::string core_path) : core_path_(std::move(core_path)) {}
  const char* name() const override { return "top"; }
  const char* help() const override {
    return "List the objects that retain the most memory (the top of the dominator tree).";
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

// heap shpaths --addr A | --kind REGEX: shortest paths from the roots.
class ShpathsCommand final : public HeapCommand {
 public:
  explicit ShpathsCommand(std::string core_path) : core_path_(std::move(core_path)) {}
  const char* name() const override { return "shpaths"; }
  const char* help() const override {
    return "Show the shortest paths from the roots that keep an object, or objects of a kind, alive.";
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

// heap dominators --addr A: the dominator subtree below an object.
class DominatorsCommand final : public HeapCommand {
 public:
  explicit DominatorsCommand(std::string core_path) : core_path_(std::move(core_path)) {}
  const char* name() const override { return "dominators"; }
  const char* help() const override {
    return "Show what an object alone keeps alive: its dominator subtree with retained sizes.";
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
