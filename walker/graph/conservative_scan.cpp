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

void ConservativeScan::queue(uint64_t begin, uint64_t end, uint32_t root_label) {
  if (end <= begin) return;
  // Consecutive small ranges of one root become one.
  if (!pending_.empty() && pending_.back().end == begin &&
      pending_.back().root_label == root_label) {
    pending_.back().end = end;
    return;
  }
  pending_.push_back({begin, end, root_label});
}

void ConservativeScan::word_at(uint64_t value, uint64_t address) {
  if (value < low_ || value >= high_) return;  // most words are not heap addresses
  auto node = table_.find(value);
  if (!node) return;
  if (edge_sink_)
    edge_sink_(source_.node, source_.where(address), *node + 1, EdgeProvenance::kConservative);
  hit_(*node);
}

bool ConservativeScan::drain(const std::function<bool()>& interrupted) {
  while (!pending_.empty()) {
    Pending range = pending_.back();
    pending_.pop_back();
    source_ = EdgeSource{kRootNode, 0, range.root_label};
    if (!scan(range.begin, range.end, interrupted)) return false;
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
        word_at(value, at + i);
      }
    } else {
      for (uint64_t i = 0; i < len; i += 8) {
        uint64_t value;
        if (memory_.read(at + i, &value, 8)) word_at(value, at + i);
      }
    }
    words_ += len / 8;
  }
  return true;
}

}  // namespace heapwalk::walker
