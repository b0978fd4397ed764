#include "walker/graph/conservative_scan.h"

#include <algorithm>
#include <cstring>
#include <span>

namespace heapwalk::walker {

ConservativeScan::ConservativeScan(const MemoryImage& memory, const AllocationTable& allocations,
                                   Hit hit)
    : memory_(memory), table_(allocations), hit_(std::move(hit)) {
  if (table_.size()) {
    low_ = table_.address(0);
    for (NodeId n = 0; n < table_.size(); ++n) high_ = std::max(high_, table_.end(n));
  }
}

void ConservativeScan::queue(uint64_t begin, uint64_t end) {
  if (end <= begin) return;
  // Consecutive small ranges (untyped members of array elements) become one.
  if (!pending_.empty() && pending_.back().second == begin) {
    pending_.back().second = end;
    return;
  }
  pending_.push_back({begin, end});
}

void ConservativeScan::word(uint64_t value) {
  if (value < low_ || value >= high_) return;  // most words are not heap addresses
  if (auto node = table_.find(value)) hit_(*node);
}

bool ConservativeScan::drain(const std::function<bool()>& interrupted) {
  while (!pending_.empty()) {
    auto [begin, end] = pending_.back();
    pending_.pop_back();
    if (!scan(begin, end, interrupted)) return false;
  }
  return true;
}

bool ConservativeScan::scan(uint64_t begin, uint64_t end, const std::function<bool()>& interrupted) {
  begin = (begin + 7) & ~uint64_t{7};
  constexpr uint64_t kChunk = uint64_t{1} << 20;  // interruptible, and views stay in a block
  for (uint64_t at = begin; at + 8 <= end; at += kChunk) {
    // Asking the debugger is an SB call (microseconds): once per MiB scanned, not per range.
    if (interrupted && words_ - words_at_check_ >= kChunk / 8) {
      words_at_check_ = words_;
      if (interrupted()) return false;
    }
    uint64_t len = std::min(kChunk, (end - at) & ~uint64_t{7});
    std::span<const uint8_t> bytes = memory_.view(at, len);
    if (bytes.size() == len) {
      for (uint64_t i = 0; i < len; i += 8) {
        uint64_t value;
        std::memcpy(&value, bytes.data() + i, 8);
        word(value);
      }
    } else {
      for (uint64_t i = 0; i < len; i += 8) {
        uint64_t value;
        if (memory_.read(at + i, &value, 8)) word(value);
      }
    }
    words_ += len / 8;
  }
  return true;
}

}  // namespace heapwalk::walker
