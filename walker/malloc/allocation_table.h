// The in-use heap allocations of the target: parallel arrays sorted by address.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace heapwalk::walker {

using NodeId = uint32_t;

// A malloc chunk that a program's own allocator carves into units (walker/suballocators.h). Its
// live units are allocations of their own (unit()); its free units are in no allocation (the
// table's free_units()); what is left is the block's: its head, from its start to its first
// unit, is an allocation (block_head()), and the other headers between units belong to no
// allocation.
struct SubBlock {
  uint64_t address = 0, usable = 0;  // the malloc chunk's user block
  uint64_t head = 0;                 // bytes of its head allocation (0: none)
  uint64_t live_units = 0, live_bytes = 0, free_units = 0, free_bytes = 0;
  std::string allocator;             // "eng::PoolAllocator"
  bool mmapped = false;              // the chunk is an mmapped one
  // Its units and its head reach each other (the allocator frees the block as one: protobuf's
  // Arena), so reaching any part of it reaches all of it, as reaching the chunk did.
  bool closed = false;
  // The chunk's bytes in no unit: its headers (the head included).
  uint64_t header_bytes() const { return usable - live_bytes - free_bytes; }
};

class AllocationTable {
 public:
  // kUnknown: not a malloc chunk but the rest of a heap whose chunk walk was cut by corruption
  // (walker/malloc/arena_walk.cpp): its content is unknown and only scanned conservatively.
  enum Flag : uint8_t { kMmapped = 1, kUnit = 2, kBlockHead = 4, kUnknown = 8 };
  // Appends one allocation; call finish() once all are added.
  void add(uint64_t user_address, uint64_t usable_size, bool mmapped = false);
  // The same with Flag bits (a unit of a program's allocator, the head of one of its blocks).
  void add_flagged(uint64_t user_address, uint64_t usable_size, uint8_t flags);
  // Drops the allocations at these user addresses (before finish()).
  void remove(const std::vector<uint64_t>& user_addresses);
  // Sorts by address and builds the lookup index. Call once, after the last add().
  void finish();

  size_t size() const { return address_.size(); }
  uint64_t address(NodeId n) const { return address_[n]; }
  uint64_t usable_size(NodeId n) const {
    return usable_[n] != kHuge ? usable_[n] : huge_size(address_[n]);
  }
  // A hint that usable_size(n) will be read soon (the heap graph's retained-size sweep).
  void prefetch_usable_size(NodeId n) const { __builtin_prefetch(usable_.data() + n); }
  bool mmapped(NodeId n) const { return flags_[n] & kMmapped; }
  uint8_t flags(NodeId n) const { return flags_[n]; }
  // A unit of a program's own allocator (its parent block: parent()).
  bool unit(NodeId n) const { return flags_[n] & kUnit; }
  // The head of a block of a program's own allocator: its descriptor and first header.
  bool block_head(NodeId n) const { return flags_[n] & kBlockHead; }
  // The rest of a heap whose walk was cut: one block of unknown content.
  bool unknown(NodeId n) const { return flags_[n] & kUnknown; }
  uint64_t end(NodeId n) const { return address_[n] + usable_size(n); }
  // Whether the allocation is exactly what malloc returns for a request of `bytes`: then it
  // has no room for anything but an object of that size (and malloc's slack).
  bool holds_exactly(NodeId n, uint64_t bytes) const;

  // The allocation whose user block [address, address + usable) holds addr, if any.
  std::optional<NodeId> find(uint64_t addr) const;

  uint64_t total_usable() const;

  // The program's own allocators' blocks, by address, and their free units (address, size).
  std::vector<SubBlock> sub_blocks;
  std::vector<std::pair<uint64_t, uint64_t>> free_units;
  // Kinds an allocator rule gives its units (address, kind), by address.
  std::vector<std::pair<uint64_t, std::string>> unit_kinds;
  // The block that holds a unit or block head (nullptr for other allocations).
  const SubBlock* parent(NodeId n) const;
  // The kind an allocator rule gives the allocation (nullptr: none).
  const std::string* declared_kind(NodeId n) const;

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
  std::vector<uint8_t> flags_;
};

}  // namespace heapwalk::walker
