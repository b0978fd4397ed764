// Rows are selections: the last table a command showed (heap partition, heap leaks, heap
// referents, ...) is remembered per debugger with the allocations of each row, so that later
// commands take a row number as their subject, as Heapy's heap[0] does.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <lldb/API/SBDebugger.h>

#include "walker/analysis/expression_edges.h"
#include "walker/roots/roots.h"
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

// An expression's object graph as a subject (heap size EXPR, heap partition --root EXPR): its
// own edges in the stop's graph. Throws with a one-line reason when the graph cannot tell them
// (what lies in no allocation and in no root).
walker::ExpressionEdges expression_edges_of(walker::Session& session,
                                            const walker::ProcessGraph& graph,
                                            const walker::Root& root);

}  // namespace heapwalk::plugin
