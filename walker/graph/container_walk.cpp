// ContainerWalk's dispatch: the kinds each recognized container names, made once, and expand(),
// which sends a container to the walk of its kind (std_container_walks.cpp, chain_walks.cpp, ...).
#include "walker/graph/container_walk.h"

#include <algorithm>

#include <fmt/format.h>

namespace heapwalk::walker {

using typeinfo::Container;
using typeinfo::ContainerKind;

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
      n.secondary = kinds_.intern(fmt::format("std::shared_ptr<{}> control block", c.element_name));
      n.in_place = kinds_.intern(fmt::format("{} (make_shared)", c.element_name));
      break;
    case ContainerKind::kHashtable:
    case ContainerKind::kBoostUnordered:
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
    case ContainerKind::kMonotonicResource:
      n.buffer = kinds_.intern(c.name + " chunk");
      break;
    case ContainerKind::kBoostObjectPool:
      n.buffer = kinds_.intern(c.name + " block");
      n.secondary = kinds_.intern(c.element_name);  // a chunk, when the blocks are carved
      break;
    case ContainerKind::kAbslBtree:
      n.buffer = kinds_.intern(c.name + " node");
      break;
    case ContainerKind::kProtobufMap:
      n.buffer = kinds_.intern(c.name + " node");
      n.secondary = kinds_.intern(c.name + " buckets");
      n.in_place = kinds_.intern(c.name + " tree");
      break;
    default:
      break;
  }
  names_[index] = n;
  names_ready_[index] = 1;
  return names_[index];
}

void ContainerWalk::kind_layouts(std::vector<KindLayout>& out) {
  for (uint32_t index = 0; index < names_ready_.size(); ++index) {
    if (!names_ready_[index] || names_[index].buffer == kNoKind) continue;
    const Container& c = types_.container(index);
    if (c.element == typeinfo::kNoLayout) continue;
    KindLayout kl;
    kl.layout = c.element;
    switch (c.kind) {
      case ContainerKind::kVector:
      case ContainerKind::kUniqueArray:
        kl.array = true;
        break;
      case ContainerKind::kRbTree:
      case ContainerKind::kHashtable:
        kl.value_offset = c.value_offset;
        // A map's value is std::pair<const K, V>: its elements read by key.
        kl.keyed = types_.layout(c.element).name.rfind("std::pair<const ", 0) == 0;
        break;
      case ContainerKind::kList:
      case ContainerKind::kForwardList:
        kl.value_offset = c.value_offset;
        break;
      default:
        continue;
    }
    KindId k = names_[index].buffer;
    if (k >= out.size()) out.resize(k + 1);
    out[k] = kl;
  }
}

// A recorded element count, bounded by the allocations that exist: a garbage count (a wrong
// type read as a container) must not make a walk or its stack grow without end.
uint64_t ContainerWalk::bounded(uint64_t count) const {
  return std::min<uint64_t>(count, allocations_.size()) + kSlack;
}

Reach ContainerWalk::node(const Container& c, KindId kind, uint64_t address) const {
  Reach r = owned_block(address, c.element, kind, 1, c.node_size);
  r.walk_at = address + c.value_offset;
  return r;
}

void ContainerWalk::expand(uint32_t index, uint64_t object, const Emit& emit,
                           const Untyped& untyped) {
  const Container& c = types_.container(index);
  const Names& n = names(index);
  switch (c.kind) {
    case ContainerKind::kVector:
      return vector(c, n, object, emit);
    case ContainerKind::kBitVector: {
      if (uint64_t words = memory_.word(object + c.field[0]))
        emit(owned_block(words, typeinfo::kNoLayout, n.buffer, 0, kCoverWhole));
      return;
    }
    case ContainerKind::kString: {
      uint64_t p = memory_.word(object + c.field[0]);
      if (p == 0 || p == object + c.field[1]) return;  // short string: in place
      uint64_t capacity = memory_.word(object + c.field[2]);
      emit(owned_block(p, typeinfo::kNoLayout, n.buffer, 0, capacity + 1));
      return;
    }
    case ContainerKind::kUniquePtr: {
      if (uint64_t p = memory_.word(object + c.field[0])) {
        Reach r = typed_pointer(p, c.element);  // a unique_ptr<Base> may own a Derived
        r.priority = KindPriority::kOwner;
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
    case ContainerKind::kFunction:
      return function(c, object, emit, untyped);
    case ContainerKind::kAny:
      return any(c, object, emit, untyped);
    case ContainerKind::kMonotonicResource:
      return monotonic_resource(c, n, object, emit, untyped);
    case ContainerKind::kDeclared:
      return declared(types_.declared(c.declared), object, emit);
    case ContainerKind::kBoostUnordered:
      return boost_unordered(c, n, object, emit);
    case ContainerKind::kBoostIntrusiveList:
    case ContainerKind::kBoostIntrusiveTree:
      return boost_intrusive(c, object, emit);
    case ContainerKind::kBoostObjectPool:
      return boost_object_pool(c, n, object, emit);
    case ContainerKind::kAbslBtree:
      return absl_btree(c, n, object, emit);
    case ContainerKind::kProtobufMap:
      return protobuf_map(c, n, object, emit);
    case ContainerKind::kAbslCord:
      return absl_cord(c, object, emit, untyped);
    case ContainerKind::kAbslCordRep:
      return absl_cord_rep(c, object, emit, untyped);
  }
}

}  // namespace heapwalk::walker
