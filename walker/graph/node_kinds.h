// A kind per allocation (or per member of a set of them, in order), two bytes each while every
// kind id is below 65,535 (nearly always: a program has thousands of kinds, not tens of
// thousands), else four.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "walker/graph/kinds.h"

namespace heapwalk::walker {

class NodeKinds {
 public:
  NodeKinds() = default;
  NodeKinds(std::vector<KindId> kinds) { *this = std::move(kinds); }  // NOLINT: implicit
  NodeKinds& operator=(std::vector<KindId> kinds) {
    narrow_.clear();
    wide_.clear();
    bool fits = std::all_of(kinds.begin(), kinds.end(),
                            [](KindId k) { return k == kNoKind || k < kNarrowNone; });
    if (!fits) {
      wide_ = std::move(kinds);
      wide_.shrink_to_fit();
      size_ = wide_.size();
      return *this;
    }
    size_ = kinds.size();
    narrow_.resize(size_);
    for (size_t n = 0; n < size_; ++n)
      narrow_[n] = kinds[n] == kNoKind ? kNarrowNone : static_cast<uint16_t>(kinds[n]);
    return *this;
  }
  size_t size() const { return size_; }
  KindId operator[](size_t n) const {
    if (!wide_.empty()) return wide_[n];
    return narrow_[n] == kNarrowNone ? kNoKind : narrow_[n];
  }
  size_t memory_bytes() const {
    return narrow_.capacity() * sizeof(uint16_t) + wide_.capacity() * sizeof(KindId);
  }

 private:
  static constexpr uint16_t kNarrowNone = 0xffff;
  size_t size_ = 0;
  std::vector<uint16_t> narrow_;
  std::vector<KindId> wide_;
};

}  // namespace heapwalk::walker
