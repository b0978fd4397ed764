// `plugin load libheapwalk.so` calls this.
#include <lldb/API/SBDebugger.h>

#include "plugin/heap_commands.h"

namespace lldb {
__attribute__((visibility("default"))) bool PluginInitialize(lldb::SBDebugger debugger);
}

bool lldb::PluginInitialize(lldb::SBDebugger debugger) {
  return heapwalk::plugin::register_heap_commands(debugger);
}
