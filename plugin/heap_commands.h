// The `heap` multiword command and its subcommands, for the plugin and the CLI alike.
#pragma once

#include <string>

#include <lldb/API/SBDebugger.h>

namespace heapwalk::plugin {

// Registers `heap` in the debugger's interpreter. `core_path` (the CLI knows it) spares the
// search for the core file LLDB has mapped.
bool register_heap_commands(lldb::SBDebugger debugger, const std::string& core_path = {});

}  // namespace heapwalk::plugin
