// What some of the process's roots reach, read from the process graph: node 0's edges whose
// root label a predicate admits, what they lead to, and the static objects on the way (a static
// object walked through a pointer is a root label of its own, entered when something the reach
// holds points at it: ProcessGraph::static_refs).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "walker/graph/heap_graph.h"

namespace heapwalk::walker {

// Per graph node, 1 where the roots whose labels `root` admits (all when empty) reach it through
// the edges `filter` follows (weak ones never). Node 0 is 1.
std::vector<uint8_t> reached_from_labels(const ProcessGraph& graph, EdgeFilter filter,
                                         const std::function<bool(uint32_t label)>& root = {});

// Out-edges of one allocation whose `where` (the offset they start at) lies in [begin, end).
struct AllocationEdges {
  GraphNode from = kRootNode;  // node 0: none
  uint32_t begin = 0, end = 0;
};

// The same from chosen starts: the root labels `labels` (static objects' included), the
// edges `edges` (with the static objects they point at) and the nodes `nodes`; what they
// reach, their targets (and `nodes`) included. Node 0 is 1; `edges.from` is 1 only when reached back.
std::vector<uint8_t> reached_from_sources(const ProcessGraph& graph, EdgeFilter filter,
                                          std::span<const uint32_t> labels,
                                          const AllocationEdges& edges = {},
                                          std::span<const GraphNode> nodes = {});

// Sorts graph.static_refs (once the graph is built) and drops the pointers to static objects
// from which no edge leads anywhere (a std::string's own buffer, an empty default instance):
// most of them.
void finish_static_refs(ProcessGraph& graph);

// The labels of the graph's static roots (ProcessGraph::static_roots) that are the variable at
// `address` named `name` (a global, a function-local static, a thread_local); empty when the graph
// has none (a local, a path into the heap).
std::vector<uint32_t> static_root_labels(const ProcessGraph& graph, uint64_t address,
                                         const std::string& name);

}  // namespace heapwalk::walker
