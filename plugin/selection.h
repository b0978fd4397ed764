// Rows are selections: the last table a command showed (heap partition, heap leaks, heap
// referents, ...) is remembered per debugger with the allocations of each row, so that later
// commands take a row number as their subject, as Heapy's heap[0] does.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <lldb/API/SBDebugger.h>

#include "walker/session.h"

namespace heapwalk::plugin {

struct Selection {
  std::string what;               // "row 2 (float[])"
  std::vector<uint32_t> nodes;    // AllocationTable node ids
};

// Row `text` of the last table shown in `debugger`. Throws with a one-line reason when there is
// no table, the row does not exist, or the process has run since the table was made.
Selection selected_row(lldb::SBDebugger& debugger, const walker::Session& session,
                       const std::string& text);

}  // namespace heapwalk::plugin
