// Allocators the program keeps in its objects: boost::object_pool's blocks and chunks, and
// std::pmr::monotonic_buffer_resource's chunks.
#include <algorithm>
#include <unordered_set>

#include "walker/graph/container_walk.h"

namespace heapwalk::walker {

using typeinfo::Container;

// boost::object_pool (typeinfo/boost_pool.h): each block named, scanned whole (nothing covered:
// its free chunks keep what they kept); each chunk not on the free list walked as a T in place.
void ContainerWalk::boost_object_pool(const Container& c, const Names& n, uint64_t object,
                                      const Emit& emit) {
  const uint64_t limit = allocations_.size() + kSlack;
  const uint64_t requested = memory_.word(object + c.field[3]);
  const uint64_t stride = (std::max<uint64_t>(requested, 8) + 7) & ~uint64_t{7};  // alloc_size()
  if (requested != c.element_size) return;
  std::unordered_set<uint64_t> free_chunks;
  uint64_t next = memory_.word(object + c.field[2]);
  for (uint64_t seen = 0; next && seen < 16 * limit && free_chunks.insert(next).second; ++seen)
    next = memory_.word(next);
  uint64_t block = memory_.word(object + c.field[0]), size = memory_.word(object + c.field[1]);
  // Carved (walker/suballocators.h): the chunks are allocations of their own, the pool owns
  // the live ones (object_pool destroys them); the block itself is no allocation any more.
  // (Found by address: the block's first chunk may be a free one, in no allocation.)
  auto carved = [&](uint64_t at) -> const SubBlock* {
    const auto& subs = allocations_.sub_blocks;
    auto it = std::lower_bound(subs.begin(), subs.end(), at,
                               [](const SubBlock& b, uint64_t a) { return b.address < a; });
    return it != subs.end() && it->address == at ? &*it : nullptr;
  };
  // Each block once: a block list that loops back to a big block would otherwise walk its
  // chunks again at every turn, up to the bound (allocations x chunks).
  std::unordered_set<uint64_t> blocks;
  if (block && carved(block)) {
    for (uint64_t seen = 0; block && seen < limit && blocks.insert(block).second; ++seen) {
      const SubBlock* sub = carved(block);
      if (!sub || size < 16 + stride || size > sub->usable) return;
      for (uint64_t at = block; at + stride <= block + size - 16; at += stride) {
        auto node = allocations_.find(at);
        if (!node || allocations_.address(*node) != at || !allocations_.unit(*node)) continue;
        Reach r = reach_to(at, c.element, n.secondary, 1);
        r.untrusted = true;  // object_pool::malloc() hands out chunks nobody constructed
        r.covers = 0;
        emit(r);
      }
      uint64_t end = block + size;
      block = memory_.word(end - 16);
      size = memory_.word(end - 8);
    }
    return;
  }
  for (uint64_t seen = 0; block && seen < limit && blocks.insert(block).second; ++seen) {
    auto node = allocations_.find(block);
    if (!node || allocations_.address(*node) != block || size < 16 + stride ||
        size > allocations_.usable_size(*node))
      return;
    emit(owned_block(block, typeinfo::kNoLayout, n.buffer, 0, 0));
    for (uint64_t at = block; at + stride <= block + size - 16; at += stride)
      if (!free_chunks.count(at)) {
        Reach r = in_place_at(at, c.element);
        r.untrusted = true;  // object_pool::malloc() hands out chunks nobody constructed
        emit(r);
      }
    uint64_t end = block + size;
    block = memory_.word(end - 16);
    size = memory_.word(end - 8);
  }
}

void ContainerWalk::monotonic_resource(const Container& c, const Names& n, uint64_t object,
                                       const Emit& emit, const Untyped& untyped) {
  // Its own words (the current buffer, an initial buffer, the upstream resource) are scanned;
  // its chunks are found through their footers: libstdc++ 12's _Chunk (memory_resource.cc, in no
  // header's debug info) is { size_t size_and_log2_align; _Chunk* next; } at each chunk's end.
  constexpr uint64_t kChunkNextOffset = 8;
  untyped(object, object + c.field[1]);
  uint64_t footer = memory_.word(object + c.field[0]);
  for (uint64_t seen = 0; footer && seen <= allocations_.size(); ++seen) {
    auto chunk = allocations_.find(footer);
    if (!chunk) break;
    Reach r = owned_block(allocations_.address(*chunk), typeinfo::kNoLayout, n.buffer, 0, 0);
    r.priority = KindPriority::kAllocator;
    emit(r);
    uint64_t next = 0;
    if (!memory_.read(footer + kChunkNextOffset, &next, sizeof next) || next == footer) break;
    footer = next;
  }
}

}  // namespace heapwalk::walker
