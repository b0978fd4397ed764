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
  // Drops the allocations at these user addresses (before finish()).
  void remove(const std::vector<uint64_t>& user_addresses);
  // Sorts by address and builds the lookup index. Call once, after the last add().
  void finish();

  size_t size() const { return address_.size(); }
  uint64_t address(NodeId n) const { return address_[n]; }
  uint64_t usable_size(NodeId n) const {
    return usable_[n] != kHuge ? usable_[n] : huge_size(address_[n]);
  }
  bool mmapped(NodeId n) const { return mmapped_[n] != 0; }
  uint64_t end(NodeId n) const { return address_[n] + usable_size(n); }
  // Whether the allocation is exactly what malloc returns for a request of `bytes`: then it
  // has no room for anything but an object of that size (and malloc's slack).
  bool holds_exactly(NodeId n, uint64_t bytes) const;

  // The allocation whose user block [address, address + usable) holds addr, if any.
  std::optional<NodeId> find(uint64_t addr) const;

  uint64_t total_usable() const;

 private:
  // A page index over one dense stretch of allocations: for each 512-byte page, the last
  // allocation starting at or before the page's first byte. Lookups then binary-search a
  // handful of entries instead of millions.
  struct Cluster {
    uint64_t base = 0, end = 0;  // page-aligned base; end of the last allocation
    NodeId first = 0;            // first allocation in the cluster
    std::vector<NodeId> page_first;
  };
  void sort_by_address();
  void build_index();
  std::optional<NodeId> search(uint64_t addr, size_t lo, size_t hi) const;

  std::vector<Cluster> clusters_;
  std::vector<uint64_t> address_;
  // 32 bits a size: allocations of 4 GiB and more are kept aside, by address.
  static constexpr uint32_t kHuge = 0xffffffffu;
  uint64_t huge_size(uint64_t address) const;
  std::vector<uint32_t> usable_;
  std::vector<std::pair<uint64_t, uint64_t>> huge_;  // (address, usable size), sorted
  std::vector<uint8_t> mmapped_;
};

}  // namespace heapwalk::walker
