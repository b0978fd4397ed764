// What the walk knows of each allocation: its best name so far, how it was reached, which typed
// interpretations were walked, and which of its bytes a trusted type explains (the rest is
// scanned conservatively). Parallel arrays indexed by node (15 bytes each); a side table for
// the rare extras.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "typeinfo/layout.h"
#include "walker/graph/kinds.h"
#include "walker/graph/reach.h"
#include "walker/malloc/allocation_table.h"

namespace heapwalk::walker {

class NodeStates {
 public:
  enum Flag : uint8_t {
    kTyped = 1,         // a typed edge (or its own vtable) reached it at its start
    kConservative = 2,  // a word that looks like a pointer reached it, or a typed pointer into it
    kGapsScanned = 4,   // its unexplained bytes were queued for the conservative scan
  };
  static constexpr uint8_t kFlagBits = 7;

  explicit NodeStates(size_t nodes);

  // Names the node unless a name of higher priority was given before. True when reached now
  // for the first time (by anything).
  bool reach(NodeId n, KindId kind, KindPriority priority, Flag how);
  bool reached(NodeId n) const { return meta_[n] & (kTyped | kConservative); }
  bool typed(NodeId n) const { return meta_[n] & kTyped; }
  bool gaps_scanned(NodeId n) const { return meta_[n] & kGapsScanned; }
  uint8_t flags(NodeId n) const { return meta_[n] & kFlagBits; }
  KindId kind(NodeId n) const { return kind_[n]; }
  KindPriority priority(NodeId n) const { return static_cast<KindPriority>(meta_[n] >> 4); }
  size_t size() const { return kind_.size(); }
  size_t reached_count() const { return reached_count_; }

  // True the first time this interpretation (offset within the node, layout, object or array)
  // is asked for: each is walked once.
  bool first_walk(NodeId n, uint64_t offset, typeinfo::LayoutId layout, bool array);

  // [begin, end) of the node (offsets from its start) is explained by a trusted type.
  void cover(NodeId n, uint64_t begin, uint64_t end);
  // Calls gap(begin, end) for each part of [0, size) that no trusted type explains, once per
  // node (later calls do nothing). False when it had been done before.
  template <class Gap>
  bool take_gaps(NodeId n, uint64_t size, Gap&& gap) {
    if (meta_[n] & kGapsScanned) return false;
    meta_[n] |= kGapsScanned;
    uint64_t inline_end = cover_end_.empty() ? 0 : cover_end_[n];
    if (more_cover_.empty() || !more_cover_.count(n)) {  // the common case: [0, inline_end)
      if (inline_end < size) gap(inline_end, size);
      return true;
    }
    for (auto [begin, end] : gaps_beside(n, size, inline_end)) gap(begin, end);
    return true;
  }

  // The names, handed over when the walk is done (the states are unusable afterwards).
  std::vector<KindId> take_kinds() { return std::move(kind_); }

 private:
  // The gaps of a node that has coverage in the side table.
  std::vector<std::pair<uint64_t, uint64_t>> gaps_beside(NodeId n, uint64_t size,
                                                         uint64_t inline_end) const;

  struct WalkKey {
    NodeId node;
    uint64_t offset;
    typeinfo::LayoutId layout;
    bool array;
    bool operator==(const WalkKey&) const = default;
  };
  struct WalkKeyHash {
    size_t operator()(const WalkKey& k) const {
      uint64_t h = (uint64_t{k.node} << 32 | k.layout) * 0x9e3779b97f4a7c15ull;
      return static_cast<size_t>(h ^ (k.offset * 0xc2b2ae3d27d4eb4full) ^ k.array);
    }
  };
  static constexpr uint16_t kNoOffset = 0xffffu;

  std::vector<KindId> kind_;
  size_t reached_count_ = 0;
  std::vector<uint8_t> meta_;  // bits 0-2: flags; bits 4-6: the name's priority
  // The first interpretation walked, inline: most nodes are walked once, near their start.
  std::vector<typeinfo::LayoutId> first_layout_;
  std::vector<uint16_t> first_offset_;  // bit 15: walked as an array
  std::unordered_set<WalkKey, WalkKeyHash> more_walks_;
  // Trusted coverage: [0, cover_end_) inline; anything else in the side table.
  std::vector<uint32_t> cover_end_;
  std::unordered_map<NodeId, std::vector<std::pair<uint64_t, uint64_t>>> more_cover_;
};

}  // namespace heapwalk::walker
