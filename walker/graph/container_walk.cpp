#include "walker/graph/container_walk.h"

#include <fmt/format.h>

namespace heapwalk::walker {

using typeinfo::Container;
using typeinfo::ContainerKind;

namespace {
// Linked structures are followed at most this far beyond their recorded size: corrupt or
// concurrently modified lists must not hang the walk.
constexpr uint64_t kSlack = 16;
}  // namespace

const ContainerWalk::Names& ContainerWalk::names(uint32_t index) {
  if (index >= names_.size()) {
    names_.resize(types_.container_count());
    names_ready_.resize(types_.container_count());
  }
  if (names_ready_[index]) return names_[index];
  const Container& c = types_.container(index);
  std::string element =
      c.element == typeinfo::kNoLayout ? "void" : types_.layout(c.element).name;
  Names n;
  switch (c.kind) {
    case ContainerKind::kVector:
    case ContainerKind::kUniqueArray:
      n.buffer = kinds_.intern(element + "[]");
      if (c.element != typeinfo::kNoLayout && types_.layout(c.element).scalar)
        kinds_.mark_scalar_array(n.buffer);
      break;
    case ContainerKind::kBitVector:
      n.buffer = kinds_.intern("std::vector<bool> words");
      break;
    case ContainerKind::kString:
      n.buffer = kinds_.intern(fmt::format("{}[] (string)", element));
      break;
    case ContainerKind::kSharedPtr:
    case ContainerKind::kWeakPtr:
      n.secondary = kinds_.intern(fmt::format("std::shared_ptr<{}> control block", element));
      n.in_place = kinds_.intern(fmt::format("{} (make_shared)", element));
      break;
    case ContainerKind::kHashtable:
      n.buffer = kinds_.intern(c.name + " node");
      n.secondary = kinds_.intern(c.name + " buckets");
      break;
    case ContainerKind::kDeque:
      n.buffer = kinds_.intern(c.name + " block");
      n.secondary = kinds_.intern(c.name + " map");
      break;
    case ContainerKind::kRbTree:
    case ContainerKind::kList:
    case ContainerKind::kForwardList:
      n.buffer = kinds_.intern(c.name + " node");
      break;
    default:
      break;
  }
  names_[index] = n;
  names_ready_[index] = 1;
  return names_[index];
}

Reach ContainerWalk::node(const Container& c, KindId kind, uint64_t address) const {
  Reach r = reach_to(address, c.element, kind);
  r.walk_at = address + c.value_offset;
  return r;
}

void ContainerWalk::expand(uint32_t index, uint64_t object, const Emit& emit) {
  const Container& c = types_.container(index);
  const Names& n = names(index);
  switch (c.kind) {
    case ContainerKind::kVector:
      return vector(c, n, object, emit);
    case ContainerKind::kBitVector: {
      if (uint64_t words = memory_.word(object + c.field[0]))
        emit(reach_to(words, typeinfo::kNoLayout, n.buffer));
      return;
    }
    case ContainerKind::kString: {
      uint64_t p = memory_.word(object + c.field[0]);
      if (p == 0 || p == object + c.field[1]) return;  // short string: in place
      emit(reach_to(p, typeinfo::kNoLayout, n.buffer));
      return;
    }
    case ContainerKind::kUniquePtr: {
      if (uint64_t p = memory_.word(object + c.field[0])) {
        Reach r = reach_to(p, c.element, kNoKind);
        r.dynamic = true;  // a unique_ptr<Base> may own a Derived
        emit(r);
      }
      return;
    }
    case ContainerKind::kUniqueArray: {
      if (uint64_t p = memory_.word(object + c.field[0]))
        emit(reach_to(p, c.element, n.buffer, kToAllocationEnd));
      return;
    }
    case ContainerKind::kSharedPtr:
    case ContainerKind::kWeakPtr:
      return shared(c, n, object, emit);
    case ContainerKind::kRbTree:
      return rb_tree(c, n, object, emit);
    case ContainerKind::kHashtable:
      return hashtable(c, n, object, emit);
    case ContainerKind::kList:
      return list(c, n, object, emit);
    case ContainerKind::kForwardList:
      return forward_list(c, n, object, emit);
    case ContainerKind::kDeque:
      return deque(c, n, object, emit);
    case ContainerKind::kOptional: {
      uint8_t engaged = 0;
      if (c.element == typeinfo::kNoLayout ||
          !memory_.read(object + c.field[0], &engaged, 1) || !engaged)
        return;
      emit(in_place_at(object + c.field[1], c.element));
      return;
    }
    case ContainerKind::kVariant:
      return variant(c, object, emit);
  }
}

void ContainerWalk::vector(const Container& c, const Names& n, uint64_t object, const Emit& emit) {
  uint64_t start = memory_.word(object + c.field[0]);
  uint64_t finish = memory_.word(object + c.field[1]);
  if (start == 0) return;
  // Only [start, finish) holds constructed elements; the rest of the capacity is raw.
  uint64_t count = (finish > start && c.element_size) ? (finish - start) / c.element_size : 0;
  emit(reach_to(start, c.element, n.buffer, count));
}

void ContainerWalk::shared(const Container& c, const Names& n, uint64_t object, const Emit& emit) {
  uint64_t ptr = memory_.word(object + c.field[0]);
  uint64_t block = memory_.word(object + c.field[1]);
  bool weak = c.kind == ContainerKind::kWeakPtr;
  auto block_node = block ? allocations_.find(block) : std::nullopt;
  bool in_place = block_node && ptr && allocations_.find(ptr) == block_node;
  if (block) {
    Reach r = reach_to(block, typeinfo::kNoLayout, in_place ? n.in_place : n.secondary);
    r.priority = weak ? KindPriority::kPointer : KindPriority::kOwner;
    r.weak = weak;
    emit(r);
  }
  if (ptr) {
    Reach r = reach_to(ptr, c.element, kNoKind);
    r.dynamic = true;
    r.weak = weak;
    // The block already names a make_shared allocation; the object pointer must not rename it.
    if (in_place) r.priority = KindPriority::kInterior;
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
  while (!stack.empty() && seen < count + kSlack) {
    uint64_t node_address = stack.back();
    stack.pop_back();
    ++seen;
    emit(node(c, n.buffer, node_address));
    uint64_t left = memory_.word(node_address + 16), right = memory_.word(node_address + 24);
    if (left && left != header) stack.push_back(left);
    if (right && right != header) stack.push_back(right);
  }
}

void ContainerWalk::hashtable(const Container& c, const Names& n, uint64_t object,
                              const Emit& emit) {
  if (uint64_t buckets = memory_.word(object + c.field[0]))
    emit(reach_to(buckets, typeinfo::kNoLayout, n.secondary));
  uint64_t count = memory_.word(object + c.field[3]);
  uint64_t next = memory_.word(object + c.field[2]);
  for (uint64_t seen = 0; next && seen < count + kSlack; ++seen) {
    emit(node(c, n.buffer, next));
    next = memory_.word(next);
  }
}

void ContainerWalk::list(const Container& c, const Names& n, uint64_t object, const Emit& emit) {
  uint64_t header = object + c.field[0];
  uint64_t size = memory_.word(object + c.field[1]);
  uint64_t next = memory_.word(header);
  for (uint64_t seen = 0; next && next != header && seen < size + kSlack; ++seen) {
    emit(node(c, n.buffer, next));
    next = memory_.word(next);
  }
}

void ContainerWalk::forward_list(const Container& c, const Names& n, uint64_t object,
                                 const Emit& emit) {
  // No size is stored: the allocation count bounds any honest list.
  uint64_t next = memory_.word(object + c.field[0]);
  for (uint64_t seen = 0; next && seen <= allocations_.size(); ++seen) {
    emit(node(c, n.buffer, next));
    next = memory_.word(next);
  }
}

void ContainerWalk::deque(const Container& c, const Names& n, uint64_t object, const Emit& emit) {
  uint64_t map = memory_.word(object + c.field[0]);
  uint64_t map_size = memory_.word(object + c.field[1]);
  if (map == 0) return;
  emit(reach_to(map, typeinfo::kNoLayout, n.secondary));
  uint64_t start = object + c.field[2], finish = object + c.field[3];
  uint64_t start_cur = memory_.word(start), start_node = memory_.word(start + 24);
  uint64_t finish_cur = memory_.word(finish), finish_node = memory_.word(finish + 24);
  if (finish_node < start_node || (finish_node - start_node) / 8 > map_size) return;
  // libstdc++'s __deque_buf_size: 512-byte blocks, or one element when elements are larger.
  uint64_t block_bytes =
      c.element_size < 512 && c.element_size ? 512 / c.element_size * c.element_size : c.element_size;
  for (uint64_t slot = start_node; slot <= finish_node; slot += 8) {
    uint64_t block = memory_.word(slot);
    if (block == 0) continue;
    uint64_t first = slot == start_node ? start_cur : block;
    uint64_t last = slot == finish_node ? finish_cur : block + block_bytes;
    Reach r = reach_to(block, c.element, n.buffer,
                       (last > first && c.element_size) ? (last - first) / c.element_size : 0);
    r.walk_at = first;
    emit(r);
  }
}

void ContainerWalk::variant(const Container& c, uint64_t object, const Emit& emit) {
  uint64_t index = 0;
  if (c.index_size == 0 || c.index_size > 8 || !memory_.read(object + c.field[0], &index, c.index_size))
    return;
  if (index >= c.alternatives.size()) return;  // valueless by exception
  emit(in_place_at(object + c.field[1], c.alternatives[index]));
}

}  // namespace heapwalk::walker
