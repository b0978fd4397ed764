#include "walker/graph/container_walk.h"

#include <algorithm>
#include <unordered_set>

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

// A recognizer rule: the type's other members as usual, then what the rule says its fields mean.
void ContainerWalk::declared(const typeinfo::Declared& d, uint64_t object, const Emit& emit) {
  emit(in_place_at(object, d.rest));
  const typeinfo::Expression::Read read = [this](uint64_t address, void* out, size_t size) {
    return memory_.read(address, out, size);
  };
  for (const typeinfo::DeclaredArray& a : d.arrays) declared_array(a, object, read, emit);
  for (const typeinfo::DeclaredUnion& u : d.unions) {
    auto selector = u.selector.evaluate(object, read);
    if (!selector) continue;
    for (const typeinfo::DeclaredUnion::Case& c : u.cases)
      if (static_cast<int64_t>(*selector) == c.value) emit(in_place_at(object + c.offset, c.layout));
  }
  for (const typeinfo::DeclaredPointer& p : d.pointers) {
    auto address = p.address.evaluate(object, read);
    if (!address || !*address) continue;
    Reach r = typed_pointer(*address, p.to);
    if (!p.kind.empty()) r.kind = kinds_.intern(p.kind);
    emit(r);
  }
}

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

void ContainerWalk::variant(const Container& c, uint64_t object, const Emit& emit) {
  uint64_t index = 0;
  if (c.index_size == 0 || c.index_size > 8 || !memory_.read(object + c.field[0], &index, c.index_size))
    return;
  if (index >= c.alternatives.size()) return;  // valueless by exception
  emit(in_place_at(object + c.field[1], c.alternatives[index]));
}

void ContainerWalk::function(const Container& c, uint64_t object, const Emit& emit,
                             const Untyped& untyped) {
  uint64_t functor = object + c.field[0];
  uint64_t manager = memory_.word(object + c.field[1]);
  if (manager == 0) return;  // empty
  // The storage is scanned whatever the type says: a wrong guess of "in place" must not lose
  // a heap-stored functor.
  untyped(functor, functor + c.field[2]);
  const typeinfo::ErasedType* target = erasure_.function_target(manager);
  if (!target) return;
  if (target->in_place) return emit(in_place_at(functor, target->layout));
  if (uint64_t p = memory_.word(functor)) emit(reach_to(p, target->layout, kinds_.intern(target->kind)));
}

void ContainerWalk::any(const Container& c, uint64_t object, const Emit& emit,
                        const Untyped& untyped) {
  uint64_t storage = object + c.field[1];
  uint64_t manager = memory_.word(object + c.field[0]);
  if (manager == 0) return;  // empty
  untyped(storage, storage + c.field[2]);
  const typeinfo::ErasedType* value = erasure_.any_value(manager);
  if (!value) return;
  if (value->in_place) return emit(in_place_at(storage, value->layout));
  if (uint64_t p = memory_.word(storage)) emit(reach_to(p, value->layout, kinds_.intern(value->kind)));
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
