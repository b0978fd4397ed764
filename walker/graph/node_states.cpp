#include "walker/graph/node_states.h"

#include <algorithm>

namespace heapwalk::walker {

namespace {
constexpr uint32_t kArrayBit = 0x80000000u;
constexpr uint32_t kCoverMax = 0xfffffffeu;  // inline coverage ends are 32-bit
}  // namespace

NodeStates::NodeStates(size_t nodes)
    : kind_(nodes, kNoKind),
      priority_(nodes, 0),
      flags_(nodes, 0),
      first_layout_(nodes, typeinfo::kNoLayout),
      first_offset_(nodes, kNoOffset),
      cover_end_(nodes, 0) {}

bool NodeStates::reach(NodeId n, KindId kind, KindPriority priority, Flag how) {
  bool first = !reached(n);
  if (how == kTyped) flags_[n] = static_cast<uint8_t>((flags_[n] & ~kConservative) | kTyped);
  else if (!(flags_[n] & kTyped)) flags_[n] |= kConservative;
  if (kind != kNoKind && static_cast<uint8_t>(priority) > priority_[n]) {
    kind_[n] = kind;
    priority_[n] = static_cast<uint8_t>(priority);
  }
  return first;
}

bool NodeStates::first_walk(NodeId n, uint64_t offset, typeinfo::LayoutId layout, bool array) {
  uint32_t packed = offset < kArrayBit ? static_cast<uint32_t>(offset) | (array ? kArrayBit : 0)
                                       : kNoOffset;
  if (first_layout_[n] == typeinfo::kNoLayout && packed != kNoOffset) {
    first_layout_[n] = layout;
    first_offset_[n] = packed;
    return true;
  }
  if (first_layout_[n] == layout && first_offset_[n] == packed) return false;
  return more_walks_.insert({n, offset, layout, array}).second;
}

void NodeStates::cover(NodeId n, uint64_t begin, uint64_t end) {
  if (end <= begin) return;
  if (begin <= cover_end_[n] && end <= kCoverMax) {
    cover_end_[n] = std::max(cover_end_[n], static_cast<uint32_t>(end));
    return;
  }
  more_cover_[n].push_back({begin, end});
}

bool NodeStates::take_gaps(NodeId n, uint64_t size,
                           const std::function<void(uint64_t, uint64_t)>& gap) {
  if (flags_[n] & kGapsScanned) return false;
  flags_[n] |= kGapsScanned;
  std::vector<std::pair<uint64_t, uint64_t>> covered;
  if (cover_end_[n]) covered.push_back({0, cover_end_[n]});
  if (auto it = more_cover_.find(n); it != more_cover_.end())
    covered.insert(covered.end(), it->second.begin(), it->second.end());
  std::sort(covered.begin(), covered.end());
  uint64_t at = 0;
  for (auto [begin, end] : covered) {
    if (begin >= size) break;
    if (begin > at) gap(at, begin);
    at = std::max(at, end);
  }
  if (at < size) gap(at, size);
  return true;
}

uint64_t NodeStates::bytes() const {
  uint64_t per_node = sizeof(KindId) + 2 + sizeof(typeinfo::LayoutId) + 4 + 4;
  return kind_.size() * per_node + more_walks_.size() * (sizeof(WalkKey) + 16) +
         more_cover_.size() * 64;
}

}  // namespace heapwalk::walker
