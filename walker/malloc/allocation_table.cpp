#include "walker/malloc/allocation_table.h"

#include "walker/malloc/glibc_chunks.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace heapwalk::walker {

void AllocationTable::add(uint64_t user_address, uint64_t usable_size, bool mmapped) {
  add_flagged(user_address, usable_size, mmapped ? kMmapped : 0);
}

void AllocationTable::add_flagged(uint64_t user_address, uint64_t usable_size, uint8_t flags) {
  address_.push_back(user_address);
  if (usable_size >= kHuge) {
    std::pair<uint64_t, uint64_t> entry{user_address, usable_size};
    huge_.insert(std::lower_bound(huge_.begin(), huge_.end(), entry), entry);
    usable_.push_back(kHuge);
  } else {
    usable_.push_back(static_cast<uint32_t>(usable_size));
  }
  flags_.push_back(flags);
}

bool AllocationTable::holds_exactly(NodeId n, uint64_t bytes) const {
  if (!bytes) return false;
  // A block's head starts with the allocator's descriptor of it; the first header follows.
  if (flags_[n] & kBlockHead) return bytes <= usable_size(n);
  // A unit is the smallest that fits its object: less than twice its size.
  if (flags_[n] & kUnit) return bytes <= usable_size(n) && usable_size(n) < 2 * bytes;
  return usable_size(n) == glibc::usable_for_request(bytes, mmapped(n));
}

const SubBlock* AllocationTable::parent(NodeId n) const {
  if (!(flags_[n] & (kUnit | kBlockHead))) return nullptr;
  auto it = std::upper_bound(sub_blocks.begin(), sub_blocks.end(), address_[n],
                             [](uint64_t a, const SubBlock& b) { return a < b.address; });
  if (it == sub_blocks.begin()) return nullptr;
  --it;
  return address_[n] < it->address + it->usable ? &*it : nullptr;
}

const std::string* AllocationTable::declared_kind(NodeId n) const {
  if (unit_kinds.empty() || !(flags_[n] & kUnit)) return nullptr;
  auto it = std::lower_bound(unit_kinds.begin(), unit_kinds.end(), address_[n],
                             [](const auto& k, uint64_t a) { return k.first < a; });
  return it != unit_kinds.end() && it->first == address_[n] ? &it->second : nullptr;
}

uint64_t AllocationTable::huge_size(uint64_t address) const {
  auto it = std::lower_bound(huge_.begin(), huge_.end(), std::pair<uint64_t, uint64_t>{address, 0});
  return it != huge_.end() && it->first == address ? it->second : 0;
}

namespace {
constexpr uint64_t kPageBits = 9;  // 512-byte pages: a handful of allocations each
// Allocations further apart than this start a new cluster, so that sparse address spaces
// (arenas 64 MiB apart, lone mmapped chunks) cost no index memory.
constexpr uint64_t kClusterGap = uint64_t{1} << 20;
}  // namespace

void AllocationTable::remove(const std::vector<uint64_t>& user_addresses) {
  if (user_addresses.empty()) return;
  std::vector<uint64_t> sorted = user_addresses;
  std::sort(sorted.begin(), sorted.end());
  size_t kept = 0;
  for (size_t i = 0; i < address_.size(); ++i) {
    if (std::binary_search(sorted.begin(), sorted.end(), address_[i])) continue;
    address_[kept] = address_[i];
    usable_[kept] = usable_[i];
    flags_[kept] = flags_[i];
    ++kept;
  }
  address_.resize(kept);
  usable_.resize(kept);
  flags_.resize(kept);
}

void AllocationTable::finish() {
  if (!std::is_sorted(address_.begin(), address_.end())) sort_by_address();
  build_index();
}

void AllocationTable::sort_by_address() {
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
  permute(flags_);
}

void AllocationTable::build_index() {
  clusters_.clear();
  for (size_t i = 0; i < address_.size();) {
    Cluster c;
    c.first = static_cast<NodeId>(i);
    c.base = address_[i] >> kPageBits << kPageBits;
    c.end = end(static_cast<NodeId>(i));
    size_t j = i + 1;
    while (j < address_.size() && address_[j] < c.end + kClusterGap) {
      c.end = std::max(c.end, end(static_cast<NodeId>(j)));
      ++j;
    }
    size_t pages = ((c.end - c.base) >> kPageBits) + 1;
    c.page_first.resize(pages + 1);
    size_t n = i;
    for (size_t p = 0; p <= pages; ++p) {
      uint64_t page_start = c.base + (p << kPageBits);
      while (n + 1 < j && address_[n + 1] <= page_start) ++n;
      c.page_first[p] = static_cast<NodeId>(n);
    }
    clusters_.push_back(std::move(c));
    i = j;
  }
}

std::optional<NodeId> AllocationTable::search(uint64_t addr, size_t lo, size_t hi) const {
  // The last allocation starting at or before addr is the only candidate.
  auto it = std::upper_bound(address_.begin() + lo, address_.begin() + hi, addr);
  if (it == address_.begin() + lo) return std::nullopt;
  NodeId n = static_cast<NodeId>(it - address_.begin() - 1);
  if (addr >= address_[n] && addr < address_[n] + usable_size(n)) return n;
  return std::nullopt;
}

std::optional<NodeId> AllocationTable::find(uint64_t addr) const {
  auto cluster = std::upper_bound(clusters_.begin(), clusters_.end(), addr,
                                  [](uint64_t a, const Cluster& c) { return a < c.base; });
  if (cluster == clusters_.begin()) return std::nullopt;
  --cluster;
  if (addr >= cluster->end) return std::nullopt;
  size_t page = (addr - cluster->base) >> kPageBits;
  return search(addr, cluster->page_first[page], size_t{cluster->page_first[page + 1]} + 1);
}

uint64_t AllocationTable::total_usable() const {
  uint64_t total = 0;
  for (NodeId n = 0; n < usable_.size(); ++n) total += usable_size(n);
  return total;
}

}  // namespace heapwalk::walker
