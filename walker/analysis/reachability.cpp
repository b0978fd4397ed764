#include "walker/analysis/reachability.h"

namespace heapwalk::walker {

std::optional<Reachability> reach_all(Session& session, const RootSet& roots,
                                      const std::function<bool()>& interrupted) {
  auto start = std::chrono::steady_clock::now();
  HeapReach reach(session.walk_context());
  for (const Root& root : roots.typed) reach.add_root(root);
  for (const RootRange& range : roots.ranges) reach.add_range(range.begin, range.end);
  for (const RootWord& word : roots.words) reach.add_word(word.value);
  auto result = reach.run(interrupted, /*with_kinds=*/false);
  session.record("reach (typed + conservative)", start);
  return result;
}

}  // namespace heapwalk::walker
