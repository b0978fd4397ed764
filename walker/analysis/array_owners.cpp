#include "walker/analysis/array_owners.h"

#include <algorithm>
#include <string_view>

#include "walker/analysis/process_graph.h"

namespace heapwalk::walker {
namespace {

enum NodeBits : uint8_t {
  kWanted = 1,        // an array whose owners are asked
  kOnce = 2,          // one owner seen so far (or more: see kTwice)
  kTwice = 4,         // two or more owners (directly or through a holder): the count is in many_
  kControlled = 8,    // a control block points to it (any provenance)
  kHolder = 16,       // the one owner of a wanted array, held by shared_ptrs
};

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// Calls f(owner, target) once for each distinct target a node points to with a typed edge
// (itself excluded) that `wanted(target)` keeps, node by node.
template <class Wanted, class F>
void for_each_typed_owner(const HeapGraph& graph, Wanted&& wanted, F&& f) {
  std::vector<GraphNode> targets;
  for (GraphNode s = 0; s < graph.node_count(); ++s) {
    std::span<const GraphNode> to = graph.targets(s);
    std::span<const EdgeProvenance> how = graph.provenance(s);
    targets.clear();
    for (size_t i = 0; i < to.size(); ++i)
      if (how[i] == EdgeProvenance::kTyped && to[i] != s && wanted(to[i])) targets.push_back(to[i]);
    if (targets.size() > 1) {
      std::sort(targets.begin(), targets.end());
      targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
    }
    for (GraphNode t : targets) f(s, t);
  }
}

}  // namespace

ArrayOwners::ArrayOwners(const KindTable& names, const ProcessGraph& graph,
                         const std::vector<uint8_t>& wanted) {
  const HeapGraph& g = graph.graph;
  const size_t nodes = g.node_count();
  state_.assign(nodes, 0);
  for (NodeId a = 0; a < wanted.size() && graph_node(a) < nodes; ++a)
    if (wanted[a]) state_[graph_node(a)] = kWanted;

  // Kinds by id, not by node: a handful of names to test, not a string per node.
  std::vector<uint8_t> control_block(names.size()), make_shared(names.size());
  for (KindId k = 0; k < names.size(); ++k) {
    control_block[k] = ends_with(names.name(k), " control block");
    make_shared[k] = ends_with(names.name(k), " (make_shared)");
  }
  auto kind_of = [&](GraphNode n) -> KindId {
    if (n == kRootNode || allocation_of(n) >= graph.kinds.size()) return kNoKind;
    return graph.kinds[allocation_of(n)];
  };
  auto is_control_block = [&](GraphNode n) {
    KindId k = kind_of(n);
    return k != kNoKind && k < control_block.size() && control_block[k];
  };
  auto is_make_shared = [&](GraphNode n) {
    KindId k = kind_of(n);
    return k != kNoKind && k < make_shared.size() && make_shared[k];
  };

  // Pass 1: the distinct owners of each wanted array, exactly where two or more; and what a
  // control block points to.
  auto wanted_array = [&](GraphNode t) { return state_[t] & kWanted; };
  for_each_typed_owner(g, wanted_array, [&](GraphNode, GraphNode t) {
    uint8_t& bits = state_[t];
    if (!(bits & kOnce)) bits |= kOnce;
    else if (!(bits & kTwice)) bits |= kTwice, many_[t] = 2;
    else ++many_[t];
  });
  // Without control blocks or make_shared blocks, no array's owner is held by shared_ptrs.
  if (std::none_of(control_block.begin(), control_block.end(), [](uint8_t b) { return b; }) &&
      std::none_of(make_shared.begin(), make_shared.end(), [](uint8_t b) { return b; }))
    return;
  for (GraphNode s = 1; s < nodes; ++s)
    if (is_control_block(s))
      for (GraphNode t : g.targets(s)) state_[t] |= kControlled;

  // Pass 2: the objects that own an array alone and that shared_ptrs hold.
  auto owned_once = [&](GraphNode t) {
    return (state_[t] & (kWanted | kOnce | kTwice)) == (kWanted | kOnce);
  };
  bool holders = false;
  for_each_typed_owner(g, owned_once, [&](GraphNode s, GraphNode) {
    if (s == kRootNode || (!is_make_shared(s) && !(state_[s] & kControlled))) return;
    state_[s] |= kHolder;
    holders = true;
  });
  if (!holders) return;
  // Pass 3: the holders' owners, control blocks not counted (the shared_ptrs that point to
  // them are).
  std::vector<uint32_t> held(nodes, 0);
  auto holder = [&](GraphNode t) { return state_[t] & kHolder; };
  for_each_typed_owner(g, holder, [&](GraphNode h, GraphNode t) {
    if (h == kRootNode || !is_control_block(h)) ++held[t];
  });
  // Pass 4: such an array has its holder's owners (kept where two or more).
  for_each_typed_owner(g, owned_once, [&](GraphNode s, GraphNode t) {
    if (s != kRootNode && (state_[s] & kHolder) && held[s] > 1) {
      state_[t] |= kTwice;
      many_[t] = held[s];
    }
  });
}

uint64_t ArrayOwners::owners(GraphNode array) const {
  if (array >= state_.size() || !(state_[array] & kTwice)) return 1;
  return many_.at(array);
}

}  // namespace heapwalk::walker
