// Ranges of memory scanned word by word for anything that points into an allocation.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "walker/malloc/allocation_table.h"
#include "walker/memory/memory_image.h"

namespace heapwalk::walker {

class ConservativeScan {
 public:
  // Called for each allocation a scanned word points into (the same one possibly many times).
  using Hit = std::function<void(NodeId node)>;

  ConservativeScan(const MemoryImage& memory, const AllocationTable& allocations, Hit hit);

  void queue(uint64_t begin, uint64_t end);
  // One value that may be a pointer (a register).
  void word(uint64_t value);
  bool empty() const { return pending_.empty(); }
  // Scans everything queued, including what the hits queue meanwhile; false when interrupted.
  bool drain(const std::function<bool()>& interrupted);
  // Scans [begin, end) now (what it finds may queue more); false when interrupted.
  bool scan(uint64_t begin, uint64_t end, const std::function<bool()>& interrupted);
  uint64_t words_scanned() const { return words_; }

 private:
  const MemoryImage& memory_;
  const AllocationTable& table_;
  Hit hit_;
  std::vector<std::pair<uint64_t, uint64_t>> pending_;
  uint64_t low_ = 0, high_ = 0, words_ = 0, words_at_check_ = 0;
};

}  // namespace heapwalk::walker
