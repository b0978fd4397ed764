#include "walker/graph/node_states.h"

#include <algorithm>

namespace heapwalk::walker {

namespace {
constexpr uint16_t kArrayBit = 0x8000u;
constexpr uint32_t kCoverMax = 0xfffffffeu;  // inline coverage ends are 32-bit
}  // namespace

NodeStates::NodeStates(size_t nodes)
    : kind_(nodes, kNoKind),
      meta_(nodes, 0),
      first_layout_(nodes, typeinfo::kNoLayout),
      first_offset_(nodes, kNoOffset) {}

bool NodeStates::reach(NodeId n, KindId kind, KindPriority priority, Flag how) {
  bool first = !reached(n);
  reached_count_ += first;
  uint8_t meta = meta_[n];
  if (how == kTyped) meta = static_cast<uint8_t>((meta & ~kConservative) | kTyped);
  else if (!(meta & kTyped)) meta |= kConservative;
  if (kind != kNoKind && static_cast<uint8_t>(priority) > (meta >> 4)) {
    kind_[n] = kind;
    meta = static_cast<uint8_t>((meta & 0x0f) | static_cast<uint8_t>(priority) << 4);
  }
  meta_[n] = meta;
  return first;
}

bool NodeStates::first_walk(NodeId n, uint64_t offset, typeinfo::LayoutId layout, bool array) {
  uint16_t packed = offset < kArrayBit ? static_cast<uint16_t>(offset | (array ? kArrayBit : 0))
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
  if (cover_end_.empty()) cover_end_.resize(kind_.size(), 0);  // on first use: typed-only walks need none
  if (begin <= cover_end_[n] && end <= kCoverMax) {
    cover_end_[n] = std::max(cover_end_[n], static_cast<uint32_t>(end));
    return;
  }
  more_cover_[n].push_back({begin, end});
}

std::vector<std::pair<uint64_t, uint64_t>> NodeStates::gaps_beside(NodeId n, uint64_t size,
                                                                  uint64_t inline_end) const {
  std::vector<std::pair<uint64_t, uint64_t>> covered, gaps;
  if (inline_end) covered.push_back({0, inline_end});
  const auto& more = more_cover_.at(n);
  covered.insert(covered.end(), more.begin(), more.end());
  std::sort(covered.begin(), covered.end());
  uint64_t at = 0;
  for (auto [begin, end] : covered) {
    if (begin >= size) break;
    if (begin > at) gaps.push_back({at, begin});
    at = std::max(at, end);
  }
  if (at < size) gaps.push_back({at, size});
  return gaps;
}

}  // namespace heapwalk::walker
