#include "walker/analysis/reachable.h"

#include "walker/graph/heap_reach.h"
#include "walker/roots/roots.h"

namespace heapwalk::walker {

std::set<uint64_t> tcaches_that_are_objects(Session& session,
                                            const std::function<bool()>& interrupted) {
  std::set<uint64_t> objects;
  std::vector<uint64_t> empty;
  for (const TcacheCensus& t : session.heap().tcaches)
    if (t.chunks == 0) empty.push_back(t.address);
  if (empty.empty()) return objects;
  ReachOptions typed_only;
  typed_only.conservative = false;
  HeapReach reach(session.walk_context(), typed_only);
  for (const Root& root :
       static_roots(session.target(), session.memory(), session.glibc().version))
    reach.add_root(root);
  auto reached = reach.run(interrupted);
  if (!reached) return objects;
  const AllocationTable& table = session.heap().in_use;
  for (uint64_t address : empty)
    if (auto node = table.find(address); node && reached->typed(*node)) objects.insert(address);
  return objects;
}

}  // namespace heapwalk::walker
