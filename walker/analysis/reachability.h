// Which allocations the program can still reach from all its roots: typed from typed roots,
// conservatively from every word no type explains (stacks, registers, TLS, untyped module data,
// untyped members, slack, and the whole of every allocation found only that way).
#pragma once

#include <functional>
#include <optional>

#include "walker/graph/heap_reach.h"
#include "walker/roots/roots.h"
#include "walker/session.h"

namespace heapwalk::walker {

// Flags only (no kinds): what leaks and the ledger need. nullopt when interrupted.
std::optional<Reachability> reach_all(Session& session, const RootSet& roots,
                                      const std::function<bool()>& interrupted = {});

}  // namespace heapwalk::walker
