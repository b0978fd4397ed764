// The heap graph of the whole process at one stop: every edge from every root (typed globals,
// statics, TLS, every thread's locals, registers and stack, untyped module data), typed, weak
// and conservative, in one compact graph that retention (dominators, paths, referrers) reads.
// Built once per stop and kept in the Session.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "walker/graph/heap_graph.h"
#include "walker/session.h"

namespace heapwalk::walker {

// The session's graph, built on first use; nullptr when interrupted (nothing is kept then).
// `with_counts`: the first command of a stop that will ask element_counts() says so, and the
// graph's walk records them too (one walk instead of two).
std::shared_ptr<const ProcessGraph> process_graph(Session& session,
                                                  const std::function<bool()>& interrupted = {},
                                                  bool with_counts = false);

// Builds it (process_graph() caches this). nullopt when interrupted.
std::optional<ProcessGraph> build_process_graph(Session& session,
                                                const std::function<bool()>& interrupted = {},
                                                bool with_counts = false);

// The element counts of the graph's array allocations (heap size): recorded by the graph's walk
// when it was built with_counts, else a walk of their own from the same roots as the graph's
// (the walk is deterministic, so the counts are the ones the graph's walk sees), run on first
// ask and then kept with the graph. nullptr when interrupted.
const ElementCounts* element_counts(Session& session, const ProcessGraph& graph,
                                    const std::function<bool()>& interrupted = {});

// Graph node of allocation n and back.
inline GraphNode graph_node(NodeId allocation) { return allocation + 1; }
inline NodeId allocation_of(GraphNode node) { return node - 1; }

}  // namespace heapwalk::walker
