// A bit per item with O(1) rank (how many set bits come before an item): what lets a subset of
// the allocations (the leaked ones) stand in for a list of their ids, and number them densely,
// at an eighth of a byte an allocation plus 4 bytes every 64.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace heapwalk::walker {

class RankedBits {
 public:
  RankedBits() = default;
  explicit RankedBits(size_t size) : words_((size + 63) / 64, 0), size_(size) {}

  size_t size() const { return size_; }
  void set(size_t i) { words_[i >> 6] |= uint64_t{1} << (i & 63); }
  bool test(size_t i) const { return i < size_ && (words_[i >> 6] >> (i & 63) & 1); }

  // After the last set(): counts the bits, and makes rank() valid.
  void finish() {
    ranks_.resize(words_.size());
    uint32_t total = 0;
    for (size_t w = 0; w < words_.size(); ++w) {
      ranks_[w] = total;
      total += static_cast<uint32_t>(std::popcount(words_[w]));
    }
    count_ = total;
  }
  size_t count() const { return count_; }  // valid after finish()
  // The set bits below i (valid after finish()).
  uint32_t rank(size_t i) const {
    uint64_t below = words_[i >> 6] & ((uint64_t{1} << (i & 63)) - 1);
    return ranks_[i >> 6] + static_cast<uint32_t>(std::popcount(below));
  }
  // The first set bit at or after i; size() when none.
  size_t next(size_t i) const {
    if (i >= size_) return size_;
    size_t w = i >> 6;
    uint64_t word = words_[w] & (~uint64_t{0} << (i & 63));
    while (!word) {
      if (++w == words_.size()) return size_;
      word = words_[w];
    }
    return w * 64 + static_cast<size_t>(std::countr_zero(word));
  }

  size_t memory_bytes() const {
    return words_.capacity() * sizeof(uint64_t) + ranks_.capacity() * sizeof(uint32_t);
  }

 private:
  std::vector<uint64_t> words_;
  std::vector<uint32_t> ranks_;  // per word: the set bits before it
  size_t size_ = 0, count_ = 0;
};

}  // namespace heapwalk::walker
