// What keeps the heap alive, per session: the dominator tree and retained sizes of the process
// graph (walker/analysis/dominators.h), and shortest paths from the roots
// (walker/analysis/shortest_paths.h). Each is computed once per stop (and edge filter) and kept
// in the Session.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "walker/analysis/dominators.h"
#include "walker/analysis/process_graph.h"
#include "walker/analysis/shortest_paths.h"

namespace heapwalk::walker {

// The session's dominator tree / shortest paths for this filter, computed on first use.
// nullptr when the graph could not be built (interrupted).
std::shared_ptr<const DominatorTree> dominators_of(Session& session, EdgeFilter filter,
                                                   const std::function<bool()>& interrupted = {});
std::shared_ptr<const ShortestPaths> paths_of(Session& session, EdgeFilter filter,
                                              const std::function<bool()>& interrupted = {});

// The nodes with the largest retained sizes, largest first (the root excluded).
std::vector<GraphNode> top_retained(const DominatorTree& tree, size_t count);

}  // namespace heapwalk::walker
