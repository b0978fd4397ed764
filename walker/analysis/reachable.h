// The allocations reachable from a set of roots, grouped by kind.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "walker/analysis/partition.h"
#include "walker/roots/roots.h"
#include "walker/session.h"

namespace heapwalk::walker {

// Walks from `roots` through typed edges. nullopt when interrupted.
std::optional<Partition> partition_reachable(Session& session, const std::vector<Root>& roots,
                                             const std::function<bool()>& interrupted = {});

}  // namespace heapwalk::walker
