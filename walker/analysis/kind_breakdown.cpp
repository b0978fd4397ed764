#include "walker/analysis/kind_breakdown.h"

#include <algorithm>
#include <unordered_map>

#include "walker/analysis/edge_labels.h"

namespace heapwalk::walker {

std::vector<KindTotal> kind_breakdown(Session& session, const ProcessGraph& graph,
                                      const ElementCounts& counts, const std::vector<bool>& set) {
  std::unordered_map<KindId, KindTotal> by_kind;
  KindTotal unnamed;  // reached by no walk that names it (kNoKind)
  for (GraphNode n = 1; n < set.size() && n < graph.graph.node_count(); ++n) {
    if (!set[n]) continue;
    const NodeId a = allocation_of(n);
    const KindId k = a < graph.kinds.size() ? graph.kinds[a] : kNoKind;
    KindTotal& t = k == kNoKind ? unnamed : by_kind[k];
    if (t.count == 0) {
      t.kind = node_kind(session, graph, n);
      t.array = k != kNoKind && k < graph.kind_layouts.size() && graph.kind_layouts[k].array;
    }
    ++t.count;
    t.bytes += graph.graph.size(n);
    if (k == kNoKind) continue;
    if (auto elements = counts.count(a, k)) {
      t.array = true;
      t.elements += *elements;
    } else {
      ++t.uncounted;
    }
  }
  std::vector<KindTotal> out;
  out.reserve(by_kind.size() + 1);
  for (auto& [_, t] : by_kind) {
    if (!t.array) t.uncounted = 0;
    out.push_back(std::move(t));
  }
  if (unnamed.count) out.push_back(std::move(unnamed));
  std::sort(out.begin(), out.end(), [](const KindTotal& a, const KindTotal& b) {
    if (a.bytes != b.bytes) return a.bytes > b.bytes;
    if (a.count != b.count) return a.count > b.count;
    return a.kind < b.kind;
  });
  return out;
}

}  // namespace heapwalk::walker
