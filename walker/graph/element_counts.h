// Element counts of array allocations, as their owners hold them: a vector's size, new T[n]'s n
// (from its cookie), a recognizer's count (an Eigen matrix's rows x cols). Never usable bytes /
// sizeof(T): malloc's slack and a vector's spare capacity would make that wrong. Sparse (arrays
// only, 16 bytes each), sorted by allocation once the walk is done.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "walker/graph/kinds.h"

namespace heapwalk::walker {

class ElementCounts {
 public:
  // In any order; an allocation may be recorded more than once (every owner that reaches it).
  void add(uint32_t allocation, KindId kind, uint64_t count) {
    entries_.push_back({allocation, kind, count});
    sorted_ = false;
  }
  // Sorts by allocation, keeping the first count recorded for each (allocation, kind).
  void finish() {
    // The walk records them mostly in address order: often sorted already (no sort's buffer).
    auto before = [](const Entry& a, const Entry& b) {
      return a.allocation != b.allocation ? a.allocation < b.allocation : a.kind < b.kind;
    };
    if (!std::is_sorted(entries_.begin(), entries_.end(), before))
      std::stable_sort(entries_.begin(), entries_.end(), before);
    entries_.erase(std::unique(entries_.begin(), entries_.end(),
                               [](const Entry& a, const Entry& b) {
                                 return a.allocation == b.allocation && a.kind == b.kind;
                               }),
                   entries_.end());
    entries_.shrink_to_fit();
    sorted_ = true;
  }
  // The elements an owner that names `allocation` as `kind` holds there; nullopt when none
  // said (a buffer only a conservative word or a raw T* reaches, new T[n] of a trivial T).
  std::optional<uint64_t> count(uint32_t allocation, KindId kind) const {
    if (!sorted_) return std::nullopt;
    auto it = std::lower_bound(entries_.begin(), entries_.end(), Entry{allocation, kind, 0},
                               [](const Entry& a, const Entry& b) {
                                 return a.allocation != b.allocation ? a.allocation < b.allocation
                                                                     : a.kind < b.kind;
                               });
    if (it == entries_.end() || it->allocation != allocation || it->kind != kind)
      return std::nullopt;
    return it->count;
  }
  // count() for allocations asked in ascending order: `cursor` (0 at first) moves along.
  std::optional<uint64_t> count_ascending(size_t& cursor, uint32_t allocation, KindId kind) const {
    if (!sorted_) return std::nullopt;
    while (cursor < entries_.size() &&
           (entries_[cursor].allocation < allocation ||
            (entries_[cursor].allocation == allocation && entries_[cursor].kind < kind)))
      ++cursor;
    if (cursor == entries_.size() || entries_[cursor].allocation != allocation ||
        entries_[cursor].kind != kind)
      return std::nullopt;
    return entries_[cursor].count;
  }
  size_t size() const { return entries_.size(); }
  size_t memory_bytes() const { return entries_.capacity() * sizeof(Entry); }

 private:
  struct Entry {
    uint32_t allocation;
    KindId kind;
    uint64_t count;
  };
  std::vector<Entry> entries_;
  bool sorted_ = true;
};

}  // namespace heapwalk::walker
