// Edges and paths read as C++: a root's name (`sim`), a field (`->next`, `.pos.x` inside an
// element), an element (`[42]`), or the byte offset where no type says more (`->+0x18`).
// Conservative edges (a word that looks like a pointer) read `~>`. Only the edges a report
// shows are labelled, from the debug info, so labels cost nothing while the graph is built.
#pragma once

#include <string>
#include <vector>

#include "walker/analysis/process_graph.h"

namespace heapwalk::walker {

// The label of `edge`, an out-edge of `from`.
std::string edge_label(Session& session, const ProcessGraph& graph, GraphNode from,
                       uint32_t edge);

// The path along `edges` from the root: "sim->sheets->+0x28[3]->weights".
std::string path_text(Session& session, const ProcessGraph& graph,
                      const std::vector<uint32_t>& edges);

// The kind of a node as partitions name it ("<root>", "<unreached>" where nothing names it).
std::string node_kind(Session& session, const ProcessGraph& graph, GraphNode node);

}  // namespace heapwalk::walker
