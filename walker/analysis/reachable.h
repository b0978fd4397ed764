// Which empty tcache candidates are the program's own objects: a typed walk from the static
// roots (heap arenas).
#pragma once

#include <cstdint>
#include <functional>
#include <set>

#include "walker/session.h"

namespace heapwalk::walker {

// Empty tcache candidates (zeroed 0x290 blocks) that typed roots reach: the program's own
// zeroed objects, not a thread's tcache. Walks only when there is such a candidate.
std::set<uint64_t> tcaches_that_are_objects(Session& session,
                                            const std::function<bool()>& interrupted = {});

}  // namespace heapwalk::walker
