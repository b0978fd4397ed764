// The allocations reachable from a set of roots, grouped by kind.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <vector>

#include "walker/analysis/partition.h"
#include "walker/roots/roots.h"
#include "walker/session.h"

namespace heapwalk::walker {

struct PartitionOptions {
  // Only what typed edges reach: no conservative scan of untyped members, slack, or of what
  // only such words reach (which otherwise shows as <conservative> rows).
  bool typed_only = false;
};

// Walks from `roots`; weak_ptr edges keep nothing in the set. nullopt when interrupted.
std::optional<Partition> partition_reachable(Session& session, const std::vector<Root>& roots,
                                             PartitionOptions options = {},
                                             const std::function<bool()>& interrupted = {});

// Empty tcache candidates (zeroed 0x290 blocks) that typed roots reach: the program's own
// zeroed objects, not a thread's tcache. Walks only when there is such a candidate.
std::set<uint64_t> tcaches_that_are_objects(Session& session,
                                            const std::function<bool()>& interrupted = {});

}  // namespace heapwalk::walker
