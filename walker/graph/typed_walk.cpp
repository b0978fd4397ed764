#include "walker/graph/typed_walk.h"

#include <algorithm>
#include <cstring>

namespace heapwalk::walker {

using typeinfo::Layout;
using typeinfo::LayoutId;
using typeinfo::kNoLayout;

TypedWalk::TypedWalk(const MemoryImage& memory, const AllocationTable& allocations,
                     typeinfo::TypeRegistry& types, typeinfo::DynamicTypes& dynamic,
                     KindTable& kinds)
    : memory_(memory),
      allocations_(allocations),
      types_(types),
      dynamic_(dynamic),
      kinds_(kinds),
      containers_(memory, allocations, types, kinds),
      kind_(allocations.size(), kNoKind),
      priority_(allocations.size(), 0),
      walked_(allocations.size(), 0) {
  emit_ = [this](const Reach& r) { follow(r); };
}

void TypedWalk::add_root(uint64_t address, LayoutId layout) {
  Reach r = reach_to(address, layout, kNoKind);
  r.priority = KindPriority::kPointer;
  follow(r);
}

KindId TypedWalk::kind_of_layout(LayoutId id) {
  if (id >= layout_kind_.size()) layout_kind_.resize(types_.size(), kNoKind);
  if (layout_kind_[id] == kNoKind) layout_kind_[id] = kinds_.intern(types_.layout(id).name);
  return layout_kind_[id];
}

void TypedWalk::push(uint64_t at, LayoutId layout, uint64_t count) {
  if (layout == kNoLayout || count == 0 || !types_.layout(layout).has_edges()) return;
  stack_.push_back({at, layout, count});
}

void TypedWalk::follow(const Reach& reach) {
  if (reach.in_place) return push(reach.walk_at, reach.layout, reach.count);

  uint64_t target = reach.target, at = reach.walk_at;
  LayoutId layout = reach.layout;
  if (reach.dynamic && layout != kNoLayout && types_.layout(layout).polymorphic) {
    if (const typeinfo::DynamicType* d = dynamic_.resolve(memory_.word(target))) {
      target += d->offset_to_top;
      at = target;
      layout = d->layout;
    }
  }

  auto node = allocations_.find(target);
  if (!node) {
    // Outside the heap (static storage, a stack, an SSO buffer): walk it once per layout.
    if (layout == kNoLayout || reach.count != 1 || !memory_.region_of(at)) return;
    if (static_seen_.insert({at, layout}).second) push(at, layout, 1);
    return;
  }

  KindPriority priority = reach.priority;
  if (priority == KindPriority::kPointer && target != allocations_.address(*node))
    priority = KindPriority::kInterior;
  if (static_cast<uint8_t>(priority) > priority_[*node]) {
    KindId kind = reach.kind != kNoKind ? reach.kind
                  : layout != kNoLayout ? kind_of_layout(layout)
                                        : kinds_.intern("<untyped>");
    kind_[*node] = kind;
    priority_[*node] = static_cast<uint8_t>(priority);
  }

  if (layout == kNoLayout) return;
  uint8_t as = reach.count == 1 ? kAsObject : kAsArray;
  if (walked_[*node] & as) return;
  walked_[*node] |= as;
  // Never walk past the allocation, whatever a corrupt length field says.
  uint64_t size = std::max<uint64_t>(types_.layout(layout).size, 1);
  uint64_t end = allocations_.end(*node);
  uint64_t fits = at < end ? (end - at) / size : 0;
  push(at, layout, std::min(reach.count, fits));
}

void TypedWalk::follow_pointer(uint64_t address, LayoutId layout) {
  Reach r = reach_to(address, layout, kNoKind);
  r.priority = KindPriority::kPointer;
  r.dynamic = true;
  follow(r);
}

void TypedWalk::walk_object(uint64_t at, LayoutId id) {
  const Layout& layout = types_.layout(id);
  ++objects_walked_;
  if (layout.opaque && untyped_sink_) untyped_sink_(at, at + layout.size);
  for (const typeinfo::PointerSlot& slot : layout.pointers) {
    if (slot.pointee == kNoLayout) {
      if (untyped_sink_) untyped_sink_(at + slot.offset, at + slot.offset + 8);
      continue;
    }
    uint64_t p = memory_.word(at + slot.offset);
    if (p != 0) follow_pointer(p, slot.pointee);  // a Base* may point at a Derived, or into one
  }
  for (const typeinfo::ArraySlot& slot : layout.arrays) push(at + slot.offset, slot.element, slot.count);
  for (const typeinfo::ContainerSlot& slot : layout.containers)
    containers_.expand(slot.container, at + slot.offset, emit_);
}

bool TypedWalk::run(const std::function<bool()>& interrupted) {
  uint64_t steps = 0;
  while (!stack_.empty()) {
    if (interrupted && (++steps & 0xffff) == 0 && interrupted()) return false;
    Work work = stack_.back();
    stack_.pop_back();
    uint64_t size = types_.layout(work.layout).size;
    // Arrays are walked one element per step so that a huge buffer stays interruptible.
    if (work.count > 1) stack_.push_back({work.at + size, work.layout, work.count - 1});
    walk_object(work.at, work.layout);
  }
  return true;
}

}  // namespace heapwalk::walker
