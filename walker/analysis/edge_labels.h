// Edges and paths read as C++: a root's name (`sim`), a field (`->next`, `.pos.x` inside an
// element), an element (`[42]`), or the byte offset where no type says more (`->+0x18`).
// Conservative edges (a word that looks like a pointer) read `~>`. Only the edges a report
// shows are labelled, from the debug info, so labels cost nothing while the graph is built.
#pragma once

#include <string>
#include <vector>

#include "typeinfo/member_names.h"
#include "walker/analysis/process_graph.h"

namespace heapwalk::walker {

// What labels read: the target's memory (map keys, array cookies), its allocations, and the
// names of its types' members.
struct LabelSources {
  const MemoryImage& memory;
  const AllocationTable& table;
  typeinfo::MemberNames& members;
};

// The label of `edge`, an out-edge of `from`. Without keys, a map's element reads "[…]" (the
// same for every element: what partitions by edge label want).
std::string edge_label(const LabelSources& sources, const ProcessGraph& graph, GraphNode from,
                       uint32_t edge, bool with_keys = true);
// The same, with the session's memory, heap and types.
std::string edge_label(Session& session, const ProcessGraph& graph, GraphNode from,
                       uint32_t edge, bool with_keys = true);

// The path along `edges` from the root: "sim->sheets->+0x28[3]->weights".
std::string path_text(const LabelSources& sources, const ProcessGraph& graph,
                      const std::vector<uint32_t>& edges);
std::string path_text(Session& session, const ProcessGraph& graph,
                      const std::vector<uint32_t>& edges);

// The kind of a node as partitions name it ("<root>", "<unreached>" where nothing names it).
std::string node_kind(const KindTable& kinds, const ProcessGraph& graph, GraphNode node);
std::string node_kind(Session& session, const ProcessGraph& graph, GraphNode node);

}  // namespace heapwalk::walker
