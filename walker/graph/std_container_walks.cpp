// libstdc++'s buffers and trees: std::vector's buffer, shared_ptr's control block (and the
// object make_shared put in it), std::map's red-black tree nodes, std::deque's map and blocks.
#include <vector>

#include "walker/graph/container_walk.h"

namespace heapwalk::walker {

using typeinfo::Container;
using typeinfo::ContainerKind;

void ContainerWalk::vector(const Container& c, const Names& n, uint64_t object, const Emit& emit) {
  uint64_t start = memory_.word(object + c.field[0]);
  uint64_t finish = memory_.word(object + c.field[1]);
  uint64_t end = memory_.word(object + c.field[2]);
  if (start == 0) return;
  // Only [start, finish) holds constructed elements; the rest of the capacity is dead storage.
  uint64_t count = (finish > start && c.element_size) ? (finish - start) / c.element_size : 0;
  Reach r = owned_block(start, c.element, n.buffer, count, end > start ? end - start : 0);
  r.counted = finish >= start && c.element_size && (finish - start) % c.element_size == 0;
  emit(r);
}

void ContainerWalk::shared(const Container& c, const Names& n, uint64_t object, const Emit& emit) {
  uint64_t ptr = memory_.word(object + c.field[0]);
  uint64_t block = memory_.word(object + c.field[1]);
  bool weak = c.kind == ContainerKind::kWeakPtr;
  auto block_node = block ? allocations_.find(block) : std::nullopt;
  bool in_place = block_node && ptr && allocations_.find(ptr) == block_node;
  if (block) {
    // The control block's vtable names its type (_Sp_counted_ptr<T*>, …_inplace<T>, …_deleter).
    // A weak_ptr keeps it allocated too: the edge to it is not weak.
    Reach r = typed_pointer(block, c.control);
    r.kind = in_place ? n.in_place : n.secondary;
    r.priority = weak ? KindPriority::kPointer : KindPriority::kOwner;
    emit(r);
  }
  if (ptr) {
    Reach r = typed_pointer(ptr, c.element);
    r.weak = weak;
    if (in_place) {
      // make_shared: the object lives inside the block, which names the allocation. Walk the
      // object itself from here (the block walks it only for weak-following analyses).
      r.priority = KindPriority::kInterior;
      if (c.element == typeinfo::kNoLayout || !types_.layout(c.element).polymorphic) r.covers = 0;
    }
    emit(r);
  }
}

void ContainerWalk::rb_tree(const Container& c, const Names& n, uint64_t object, const Emit& emit) {
  uint64_t header = object + c.field[0];
  uint64_t count = memory_.word(object + c.field[1]);
  uint64_t root = memory_.word(header + 8);
  if (root == 0 || count == 0) return;
  std::vector<uint64_t> stack{root};
  uint64_t seen = 0;
  const uint64_t limit = bounded(count);
  while (!stack.empty() && seen < limit && stack.size() <= limit) {
    uint64_t node_address = stack.back();
    stack.pop_back();
    ++seen;
    emit(node(c, n.buffer, node_address));
    uint64_t left = memory_.word(node_address + 16), right = memory_.word(node_address + 24);
    if (left && left != header) stack.push_back(left);
    if (right && right != header) stack.push_back(right);
  }
}

void ContainerWalk::deque(const Container& c, const Names& n, uint64_t object, const Emit& emit) {
  uint64_t map = memory_.word(object + c.field[0]);
  uint64_t map_size = memory_.word(object + c.field[1]);
  if (map == 0) return;
  // Map slots outside [start node, finish node] are dead: the map is explained whole.
  emit(owned_block(map, typeinfo::kNoLayout, n.secondary, 0, map_size * 8));
  uint64_t start = object + c.field[2], finish = object + c.field[3];
  uint64_t start_cur = memory_.word(start), start_node = memory_.word(start + 24);
  uint64_t finish_cur = memory_.word(finish), finish_node = memory_.word(finish + 24);
  // Each map slot in use holds a block of its own: no more slots than allocations.
  if (finish_node < start_node || (finish_node - start_node) / 8 > map_size ||
      (finish_node - start_node) / 8 > allocations_.size() + kSlack)
    return;
  // libstdc++'s __deque_buf_size: 512-byte blocks, or one element when elements are larger.
  uint64_t block_bytes =
      c.element_size < 512 && c.element_size ? 512 / c.element_size * c.element_size : c.element_size;
  for (uint64_t slot = start_node; slot <= finish_node; slot += 8) {
    uint64_t block = memory_.word(slot);
    if (block == 0) continue;
    uint64_t first = slot == start_node ? start_cur : block;
    uint64_t last = slot == finish_node ? finish_cur : block + block_bytes;
    Reach r = owned_block(block, c.element, n.buffer,
                          (last > first && c.element_size) ? (last - first) / c.element_size : 0,
                          block_bytes);
    r.walk_at = first;
    emit(r);
  }
}

}  // namespace heapwalk::walker
