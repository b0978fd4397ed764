// heap partition (no --root) of a program without debug info: no typed global to start from,
// so the set is everything the process's roots reach (stacks, registers, TLS, module data:
// conservatively), and an allocation no type names is named by the vtable at its start when
// its class has one (the symbol "vtable for X" needs no debug info).
#pragma once

#include <cstdint>
#include <vector>

#include "walker/analysis/partition.h"
#include "walker/graph/heap_graph.h"
#include "walker/session.h"

namespace heapwalk::walker {

// True when the session's program has no debug info of its own (Session's note says so).
bool program_without_debug_info(const Session& session);

// The allocations the process graph reaches from its roots through `filter`'s edges.
std::vector<uint32_t> reached_from_roots(const ProcessGraph& graph, EdgeFilter filter);

// `set` by kind: the graph's kind, or for one it left unnamed ("<conservative>") the class of the
// vtable at its start.
Partition partition_by_kind_or_vtable(Session& session, const ProcessGraph& graph,
                                      const std::vector<uint32_t>& set);

}  // namespace heapwalk::walker
