// The typed walk's edges' sources: which allocation, or which root label, an object being walked
// belongs to, and the static objects a pointer leads to (walked once, under labels of their own).
#include <algorithm>

#include "walker/graph/typed_walk.h"

namespace heapwalk::walker {

// An edge to the allocation the reach lands in (none outside the heap).
void TypedWalk::record_edge(const Reach& reach) {
  auto node = allocations_.find(reach.target);
  if (!node) return;
  edge_sink_(source_.node, where_, *node + 1,
             reach.weak ? EdgeProvenance::kWeak : EdgeProvenance::kTyped);
}

// The object at `at` is an allocation's, or lies in static storage: a static object's of its own
// label, else in the root that holds it.
void TypedWalk::set_source(uint64_t at) {
  if (auto node = allocations_.find(at)) {
    source_ = EdgeSource{*node + 1, allocations_.address(*node), 0};
    return;
  }
  if (work_label_ >= unit_base_) {
    source_ = EdgeSource{kRootNode, 0, work_label_};
    return;
  }
  source_ = EdgeSource{kRootNode, 0, root_label_at(at, work_label_)};
}

// The label of the root whose extent holds `at` (the first added, when several), else `otherwise`.
uint32_t TypedWalk::root_label_at(uint64_t at, uint32_t otherwise) {
  if (!root_extents_sorted_) {
    // A global is also a frame's static: the first root added (the global) names it.
    std::stable_sort(root_extents_.begin(), root_extents_.end(),
                     [](const RootExtent& a, const RootExtent& b) { return a.begin < b.begin; });
    root_extents_.erase(std::unique(root_extents_.begin(), root_extents_.end(),
                                    [](const RootExtent& a, const RootExtent& b) {
                                      return a.begin == b.begin;
                                    }),
                        root_extents_.end());
    root_extents_sorted_ = true;
  }
  auto it = std::upper_bound(root_extents_.begin(), root_extents_.end(), at,
                             [](uint64_t a, const RootExtent& r) { return a < r.begin; });
  if (it != root_extents_.begin() && at < std::prev(it)->end) return std::prev(it)->label;
  return otherwise;
}

// A static object (or a stack object) a pointer leads to: walked once per layout, under a label of
// its own when static objects are labelled, and every pointer to it recorded.
void TypedWalk::follow_static(const Reach& reach, bool trusted, uint64_t count) {
  auto [it, fresh] = static_seen_.try_emplace({reach.walk_at, reach.layout}, kNoUnits);
  if (fresh) {
    uint32_t label = work_label_;
    if (unit_base_ != kNoUnits && types_.layout(reach.layout).has_edges()) {
      uint32_t chain = work_label_ >= unit_base_ ? unit_name_[work_label_ - unit_base_] : work_label_;
      it->second = label = unit_base_ + static_cast<uint32_t>(unit_name_.size());
      unit_name_.push_back(root_label_at(reach.walk_at, chain));
    }
    push(reach.walk_at, reach.layout, count, trusted, label);
  }
  if (it->second != kNoUnits && static_ref_sink_ && edge_sink_ && recording_)
    static_ref_sink_(source_.node, where_, it->second,
                     reach.weak ? EdgeProvenance::kWeak : EdgeProvenance::kTyped);
}

}  // namespace heapwalk::walker
