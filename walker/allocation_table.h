// The in-use heap allocations of the target: parallel arrays sorted by address.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace heapwalk::walker {

using NodeId = uint32_t;

class AllocationTable {
 public:
  // Appends one allocation; call finish() once all are added.
  void add(uint64_t user_address, uint64_t usable_size, bool mmapped = false);
  // Sorts by address (stable for the parallel arrays) and checks there is no overlap.
  void finish();

  size_t size() const { return address_.size(); }
  uint64_t address(NodeId n) const { return address_[n]; }
  uint64_t usable_size(NodeId n) const { return usable_[n]; }
  bool mmapped(NodeId n) const { return mmapped_[n] != 0; }
  uint64_t end(NodeId n) const { return address_[n] + usable_[n]; }

  // The allocation whose user block [address, address + usable) holds addr, if any.
  std::optional<NodeId> find(uint64_t addr) const;

  uint64_t total_usable() const;

 private:
  std::vector<uint64_t> address_;
  std::vector<uint64_t> usable_;
  std::vector<uint8_t> mmapped_;
};

}  // namespace heapwalk::walker
