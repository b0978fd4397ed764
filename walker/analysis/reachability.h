// Which allocations the program can still reach: typed from typed roots, then conservatively
// from every word that types cannot explain (stacks, registers, TLS, untyped module data,
// void* members, unions, raw storage) and from the whole of every allocation found that way.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "walker/graph/kinds.h"
#include "walker/roots/roots.h"
#include "walker/session.h"

namespace heapwalk::walker {

struct Reachability {
  std::vector<KindId> kinds;          // per allocation: its kind when a typed edge reached it
  std::vector<uint8_t> conservative;  // per allocation: 1 when reached only conservatively
  uint64_t words_scanned = 0;

  bool reached(NodeId n) const { return kinds[n] != kNoKind || conservative[n]; }
};

// nullopt when interrupted.
std::optional<Reachability> reach_all(Session& session, const RootSet& roots,
                                      const std::function<bool()>& interrupted = {});

}  // namespace heapwalk::walker
