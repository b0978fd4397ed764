// An expression's own edges (heap size EXPR, heap partition --root EXPR), read off the process
// graph: the out-edges of the allocation that holds it which start in its bytes, or node 0's
// edges of the root that it is. What they reach is the expression's object graph.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "walker/analysis/root_reach.h"
#include "walker/graph/heap_graph.h"
#include "walker/malloc/allocation_table.h"

namespace heapwalk::walker {

struct ExpressionEdges {
  // False when the graph cannot tell (the expression lies in no allocation and in no root).
  bool located = false;
  // Node 0's labels that are its own: the typed root at its address with its name (a local's
  // label is "thread #T frame #F function: NAME", so same-named locals of two frames are two
  // roots), and the static objects named after that root. Sorted.
  std::vector<uint32_t> root_labels;
  // A member of a root variable (g.items, local.buffer): node 0's edges of that variable into
  // the allocations that a word of its bytes points into (node 0's edges say which root they
  // start in, not where in it). Edge indices, sorted.
  std::vector<uint32_t> root_edges;
  // In an allocation: its out-edges from the expression's bytes.
  AllocationEdges in_allocation;
  // The expression is that allocation's whole object (`*sim`): the allocation is in its set,
  // and every out-edge of it is its own.
  bool whole = false;

  // Whether edge `edge` of node `from` is one of them (an EdgeCut).
  bool selects(const HeapGraph& graph, GraphNode from, uint32_t edge) const;
};

// The edges of the `size` bytes at `address`, the expression `name` (as walker::resolve_root
// labels it: the variable's name for a variable, `var.member` for a member) of type `layout` (a
// typeinfo::LayoutId), whose bytes are `bytes` (read only for a member of a root). It is
// its allocation's whole object when it starts it, the allocation holds exactly its size and the
// graph typed the allocation as that type: a first member of the same size (Model::sheets of a
// Model) is not.
ExpressionEdges expression_edges(const ProcessGraph& graph, const AllocationTable& table,
                                 uint64_t address, uint64_t size, const std::string& name,
                                 uint32_t layout, std::span<const uint8_t> bytes);

// Per graph node, 1 where the expression's edges lead through the edges `filter` follows, also
// through the static objects on the way (reached_from_sources); its allocation too when whole.
std::vector<uint8_t> reached_from_expression(const ProcessGraph& graph, const ExpressionEdges& edges,
                                             EdgeFilter filter);

}  // namespace heapwalk::walker
