// The `heap` multiword command and its subcommands, for the plugin and the CLI alike.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <lldb/API/SBDebugger.h>

#include "plugin/command_base.h"

namespace heapwalk::plugin {

// Registers `heap` in the debugger's interpreter. `core_path` (the CLI knows it) spares the
// search for the core file LLDB has mapped.
bool register_heap_commands(lldb::SBDebugger debugger, const std::string& core_path = {});

// The subcommands of `heap`, and of `heap recognizers`, as register_heap_commands adds them
// (the tests check their option tables).
std::vector<std::unique_ptr<HeapCommand>> heap_subcommands(const std::string& core_path);
std::vector<std::unique_ptr<HeapCommand>> recognizers_subcommands();

}  // namespace heapwalk::plugin
