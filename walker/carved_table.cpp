#include "walker/carved_table.h"

#include <algorithm>

namespace heapwalk::walker {

using Unit = CarvedUnit;

AllocationTable with_carved_units(const AllocationTable& old, std::vector<CarvedBlock> blocks,
                                  std::vector<HeapRange>& ranges) {
  std::sort(blocks.begin(), blocks.end(),
            [](const CarvedBlock& x, const CarvedBlock& y) { return x.chunk < y.chunk; });
  AllocationTable table;
  size_t next = 0;
  for (NodeId n = 0; n < old.size(); ++n) {
    uint64_t address = old.address(n);
    if (next == blocks.size() || blocks[next].chunk != address) {
      table.add_flagged(address, old.usable_size(n), old.flags(n));
      continue;
    }
    const CarvedBlock& b = blocks[next++];
    SubBlock sub;
    sub.address = b.chunk;
    sub.usable = b.usable;
    sub.allocator = b.allocator;
    sub.mmapped = old.mmapped(n);
    sub.head = b.units.front().address - b.chunk;
    sub.closed = b.closed;
    if (sub.head) {
      // A head the allocator names is also a unit, so that its kind is declared.
      const uint8_t named = b.head_kind.empty() ? 0 : AllocationTable::kUnit;
      table.add_flagged(b.chunk, sub.head,
                        AllocationTable::kBlockHead | named | (old.mmapped(n) ? AllocationTable::kMmapped : 0));
      if (named) table.unit_kinds.push_back({b.chunk, b.head_kind});
    }
    for (const Unit& u : b.units) {
      if (u.live) {
        table.add_flagged(u.address, u.size, AllocationTable::kUnit);
        sub.live_units += 1;
        sub.live_bytes += u.size;
        if (!u.kind.empty()) table.unit_kinds.push_back({u.address, u.kind});
        else if (!b.kind.empty()) table.unit_kinds.push_back({u.address, b.kind});
      } else {
        table.free_units.push_back({u.address, u.size});
        sub.free_units += 1;
        sub.free_bytes += u.size;
      }
    }
    table.sub_blocks.push_back(std::move(sub));
    ranges.push_back({b.chunk, b.chunk + b.usable});
  }
  table.finish();
  return table;
}

}  // namespace heapwalk::walker
