#include "walker/allocation_table.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace heapwalk::walker {

void AllocationTable::add(uint64_t user_address, uint64_t usable_size, bool mmapped) {
  address_.push_back(user_address);
  usable_.push_back(usable_size);
  mmapped_.push_back(mmapped ? 1 : 0);
}

void AllocationTable::finish() {
  if (std::is_sorted(address_.begin(), address_.end())) return;
  std::vector<uint32_t> order(address_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return address_[a] < address_[b]; });
  auto permute = [&](auto& values) {
    std::remove_reference_t<decltype(values)> sorted(values.size());
    for (size_t i = 0; i < order.size(); ++i) sorted[i] = values[order[i]];
    values.swap(sorted);
  };
  permute(address_);
  permute(usable_);
  permute(mmapped_);
}

std::optional<NodeId> AllocationTable::find(uint64_t addr) const {
  // The last allocation starting at or before addr is the only candidate.
  auto it = std::upper_bound(address_.begin(), address_.end(), addr);
  if (it == address_.begin()) return std::nullopt;
  NodeId n = static_cast<NodeId>(it - address_.begin() - 1);
  if (addr < address_[n] + usable_[n]) return n;
  return std::nullopt;
}

uint64_t AllocationTable::total_usable() const {
  return std::accumulate(usable_.begin(), usable_.end(), uint64_t{0});
}

}  // namespace heapwalk::walker
