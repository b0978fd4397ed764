#include "walker/graph/typed_walk.h"

#include <algorithm>

#include "typeinfo/kind_names.h"

namespace heapwalk::walker {

using typeinfo::kNoLayout;
using typeinfo::Layout;
using typeinfo::LayoutId;

TypedWalk::TypedWalk(const WalkContext& context, NodeStates& states, bool follow_weak)
    : context_(context),
      memory_(context.memory),
      allocations_(context.allocations),
      types_(context.types),
      states_(states),
      containers_(context.memory, context.allocations, context.types, context.erasure,
                  context.kinds),
      follow_weak_(follow_weak),
      conservative_kind_(context.kinds.intern("<conservative>")) {}

void TypedWalk::add_root(uint64_t address, LayoutId layout) {
  work_label_ = root_label_;
  if (edge_sink_) {
    source_ = EdgeSource{kRootNode, 0, root_label_};
    where_ = root_label_;
    uint64_t size = layout != kNoLayout ? types_.layout(layout).size : 0;
    root_extents_.push_back({address, address + std::max<uint64_t>(size, 1), root_label_});
    root_extents_sorted_ = false;
  }
  // A root that is a whole heap object (`--root *sim`) is part of the set; one inside an
  // allocation (`--root sim->grid`, `--root layers[0]`) contributes only what it reaches.
  if (auto node = allocations_.find(address); node && layout != kNoLayout) {
    const Layout& l = types_.layout(layout);
    if (address == allocations_.address(*node) && l.complete &&
        allocations_.holds_exactly(*node, l.size)) {
      Reach r = reach_to(address, layout, kind_of_layout(layout));
      r.priority = KindPriority::kPointer;
      return follow(r, true);
    }
  }
  follow(in_place_at(address, layout), true);
}

void TypedWalk::follow_pointer(uint64_t address, LayoutId layout) {
  source_ = EdgeSource{kRootNode, 0, root_label_};
  where_ = root_label_;
  work_label_ = root_label_;
  follow(typed_pointer(address, layout), true);
}

KindId TypedWalk::kind_of_layout(LayoutId id) {
  if (id >= layout_kind_.size()) layout_kind_.resize(types_.size(), kNoKind);
  if (layout_kind_[id] == kNoKind)
    layout_kind_[id] = context_.kinds.intern(typeinfo::kind_name(types_.sbtype(id),
                                                                 types_.layout(id).name));
  return layout_kind_[id];
}

KindId TypedWalk::kind_of_array(LayoutId id) {
  if (id >= array_kind_.size()) array_kind_.resize(types_.size(), kNoKind);
  if (array_kind_[id] == kNoKind) {
    array_kind_[id] = context_.kinds.intern(types_.layout(id).name + "[]");
    if (types_.layout(id).scalar) context_.kinds.mark_scalar_array(array_kind_[id]);
  }
  return array_kind_[id];
}

std::vector<KindLayout> TypedWalk::kind_layouts() {
  std::vector<KindLayout> out(context_.kinds.size());
  containers_.kind_layouts(out);
  for (LayoutId id = 0; id < array_kind_.size(); ++id)
    if (array_kind_[id] != kNoKind) out[array_kind_[id]] = {id, true};
  for (LayoutId id = 0; id < layout_kind_.size(); ++id)
    if (layout_kind_[id] != kNoKind) out[layout_kind_[id]] = {id, false};
  return out;
}

bool TypedWalk::in_malloc_memory(uint64_t address) const {
  const std::vector<HeapRange>* ranges = context_.malloc_memory;
  if (!ranges || ranges->empty()) return false;
  auto it = std::upper_bound(ranges->begin(), ranges->end(), address,
                             [](uint64_t a, const HeapRange& r) { return a < r.start; });
  return it != ranges->begin() && address < std::prev(it)->end;
}

void TypedWalk::untyped(uint64_t begin, uint64_t end) {
  if (untyped_sink_ && end > begin) untyped_sink_(begin, end);
}

void TypedWalk::push(uint64_t at, LayoutId layout, uint64_t count, bool trusted) {
  push(at, layout, count, trusted, work_label_);
}

void TypedWalk::push(uint64_t at, LayoutId layout, uint64_t count, bool trusted, uint32_t label) {
  if (layout == kNoLayout || count == 0) return;
  const Layout& l = types_.layout(layout);
  if (!l.has_edges()) return;
  if (l.all_untyped() && count != kToAllocationEnd) {
    if (!edge_sink_) return untyped(at, at + l.size * count);
    // The bytes are the object's own: the edges they hold start there, not at its referrer
    // (whose walk goes on with its own source afterwards).
    const EdgeSource referrer = source_;
    const uint32_t walking = work_label_;
    work_label_ = label;
    set_source(at);
    untyped(at, at + l.size * count);
    source_ = referrer;
    work_label_ = walking;
    return;
  }
  stack_.push_back({at, count, layout, label, trusted});
}

// The vptr at an allocation's start names the complete object that fills it: as sure a type as
// any (a live polymorphic object always carries its own vtable).
bool TypedWalk::read_vtable_at_start(NodeId node, Reading& reading) {
  uint64_t start = allocations_.address(node);
  const typeinfo::DynamicType* d = context_.dynamic.resolve(memory_.word(start));
  if (!d || d->offset_to_top != 0) return false;
  const Layout& l = types_.layout(d->layout);
  if (!l.complete || l.size > allocations_.usable_size(node)) return false;
  reading.walk_at = start;
  reading.layout = d->layout;
  reading.count = 1;
  reading.kind = kind_of_layout(d->layout);
  reading.priority = KindPriority::kPointer;
  reading.cover_end = l.size;
  reading.trusted = true;
  return true;
}

bool TypedWalk::follow_vtable(NodeId node) {
  Reading reading;
  if (!read_vtable_at_start(node, reading)) return false;
  uint64_t start = allocations_.address(node);
  Reach r = reach_to(start, reading.layout, reading.kind);
  r.priority = KindPriority::kPointer;
  recording_ = false;  // the word that found it is the edge (the conservative scan's)
  follow(r, true);
  recording_ = true;
  return true;
}

// `new T[n]` of a T with a destructor: the pointer is 8 bytes into the chunk, past the cookie
// that holds n, and the chunk is exactly what malloc gives for 8 + n * sizeof(T).
bool TypedWalk::read_cookie_array(NodeId node, LayoutId layout, bool trusted, Reading& r) {
  const Layout& l = types_.layout(layout);
  uint64_t s = l.size, start = allocations_.address(node), usable = allocations_.usable_size(node);
  if (!l.complete || !l.destructor || s == 0) return false;
  uint64_t n = memory_.word(start);
  if (n < 1 || n > usable / s || !allocations_.holds_exactly(node, 8 + n * s)) return false;
  r.walk_at = start + 8;
  r.layout = layout;
  r.count = n;
  r.counted = true;
  r.kind = kind_of_array(layout);
  r.priority = KindPriority::kPointer;
  r.cover_begin = 0;
  r.cover_end = trusted ? 8 + n * s : 0;
  r.trusted = trusted;
  return true;
}

// A typed pointer to a hook that a recognizer says sits inside a larger object: a pointer to
// that object (when it fits in the allocation).
Reach TypedWalk::enclosing(const Reach& reach, NodeId node) {
  if (reach.covers != kCoverByType || reach.layout == kNoLayout) return reach;
  const Layout& l = types_.layout(reach.layout);
  if (l.inside.empty()) return reach;
  uint64_t start = allocations_.address(node), end = allocations_.end(node);
  for (const typeinfo::InsideOf& inside : l.inside) {
    if (reach.target < start + inside.offset) continue;
    uint64_t object = reach.target - inside.offset;
    if (object + types_.layout(inside.object).size > end) continue;
    Reach r = reach;
    r.target = r.walk_at = object;
    r.layout = inside.object;
    r.priority = std::max(r.priority, KindPriority::kPointer);
    return r;
  }
  return reach;
}

TypedWalk::Reading TypedWalk::read_allocation(const Reach& reach, NodeId node, bool trusted) {
  const uint64_t start = allocations_.address(node), usable = allocations_.usable_size(node);
  Reading r;
  r.walk_at = reach.walk_at;
  r.layout = reach.layout;
  r.count = reach.count;
  r.kind = reach.kind;
  r.priority = reach.priority;
  r.trusted = trusted;
  uint64_t target = reach.target;

  // A container's own block: the container says what it holds and how much of it.
  if (reach.covers != kCoverByType) {
    if (target != start) {  // it lives inside someone else's block (pmr, a pool)
      r.priority = std::min(r.priority, KindPriority::kInterior);
      r.trusted = false;
      return r;
    }
    r.cover_end = trusted ? std::min(reach.covers, usable) : 0;
    r.counted = reach.counted && r.count != kToAllocationEnd;
    return r;
  }
  if (r.layout == kNoLayout) {
    r.trusted = false;
    return r;
  }

  // A pointer of polymorphic static type: the vptr names the object, offset-to-top finds it.
  const Layout* l = &types_.layout(r.layout);
  if (reach.dynamic && l->polymorphic) {
    if (const typeinfo::DynamicType* d = context_.dynamic.resolve(memory_.word(target))) {
      uint64_t complete = target + static_cast<uint64_t>(d->offset_to_top);
      if (complete >= start && complete < start + usable) {
        target = r.walk_at = complete;
        r.layout = d->layout;
        l = &types_.layout(r.layout);
        if (complete == start && l->complete && l->size <= usable) {
          if (r.kind == kNoKind) r.kind = kind_of_layout(r.layout);
          r.cover_end = l->size;
          r.trusted = true;
          return r;
        }
        // `new T[n]` of a polymorphic T: the first element, 8 bytes in, past the cookie.
        if (complete == start + 8 && read_cookie_array(node, r.layout, trusted, r)) return r;
        // A complete object inside a larger block (make_shared's storage, a pool's slot): its
        // own vtable types it, but it does not name the block.
        if (l->complete && complete + l->size <= start + usable) {
          r.kind = conservative_kind_;  // the block's own type is not known
          r.priority = KindPriority::kConservative;
          r.conservative = true;
          r.cover_begin = complete - start;
          r.cover_end = complete - start + l->size;
          r.trusted = true;
          return r;
        }
      }
    }
  }

  const uint64_t s = l->size, offset = target - start;
  if (offset == 0) {
    if (r.kind == kNoKind) r.kind = kind_of_layout(r.layout);
    if (!l->complete || s == 0) {
      r.trusted = false;
    } else if (reach.count == kToAllocationEnd) {  // unique_ptr<T[]> without a cookie
      r.count = usable / s;
      r.kind = reach.kind != kNoKind ? reach.kind : kind_of_array(r.layout);
      r.trusted = false;
    } else if (allocations_.holds_exactly(node, s)) {  // `new T`: nothing else fits
      r.cover_end = trusted ? s : 0;
    } else if (usable >= 2 * s && !l->flexible) {  // `new T[n]` of a trivial T: no cookie
      r.count = usable / s;
      r.kind = kind_of_array(r.layout);
      r.trusted = false;
    } else {
      r.trusted = false;  // a larger object starting with a T, or T with a flexible tail
    }
    return r;
  }

  if (offset == 8 && read_cookie_array(node, r.layout, trusted, r)) return r;
  // Into the middle of an object: the object at the start may name itself through its vptr.
  if (read_vtable_at_start(node, r)) return r;
  // Unknown: walk what the pointer says is there, and scan the whole allocation.
  r.kind = conservative_kind_;
  r.priority = KindPriority::kConservative;
  r.trusted = false;
  r.conservative = true;
  if (r.count == kToAllocationEnd) r.count = s ? (start + usable - target) / s : 0;
  return r;
}

void TypedWalk::follow(const Reach& reach, bool trusted) {
  if (edge_sink_ && recording_ && !reach.in_place) record_edge(reach);
  if (reach.weak && !follow_weak_) return;
  trusted = trusted && !reach.untrusted;
  if (reach.in_place) return push(reach.walk_at, reach.layout, reach.count, trusted);

  auto node = allocations_.find(reach.target);
  if (!node) {
    // Outside the heap (static storage, a stack, an SSO buffer): walk it once per layout. Inside
    // malloc's memory but in no allocation, it is freed memory or a chunk header: dead.
    const Region* region = reach.layout == kNoLayout ? nullptr : memory_.region_of(reach.walk_at);
    if (!region || in_malloc_memory(reach.walk_at)) return;
    uint64_t count = reach.count == kToAllocationEnd ? 1 : reach.count;
    // No further than the mapped region it starts in, whatever a garbage count says (a stale
    // vector on a stack whose finish is any word): found by fuzzing (docs/fuzzing.md).
    count = std::min(count, (region->end - reach.walk_at) /
                                std::max<uint64_t>(types_.layout(reach.layout).size, 1));
    return follow_static(reach, trusted, count);
  }

  Reading r = read_allocation(enclosing(reach, *node), *node, trusted);
  auto how = r.conservative ? NodeStates::kConservative : NodeStates::kTyped;
  if (states_.reach(*node, r.kind, r.priority, how) && first_reach_) first_reach_(*node);
  if (r.cover_end && track_coverage_) states_.cover(*node, r.cover_begin, r.cover_end);
  if (r.counted && count_sink_ && r.kind != kNoKind) count_sink_(*node, r.kind, r.count);

  if (r.layout == kNoLayout) return;
  uint64_t start = allocations_.address(*node), end = allocations_.end(*node);
  if (r.walk_at < start || r.walk_at >= end) return;
  bool array = r.count != 1;
  if (!states_.first_walk(*node, r.walk_at - start, r.layout, array)) return;
  // Never walk past the allocation, whatever a corrupt length field says.
  uint64_t size = std::max<uint64_t>(types_.layout(r.layout).size, 1);
  uint64_t fits = (end - r.walk_at) / size;
  push(r.walk_at, r.layout, std::min(r.count, fits), r.trusted);  // none when it does not fit
}

void TypedWalk::walk_object(uint64_t at, LayoutId id, bool trusted) {
  const Layout& layout = types_.layout(id);
  ++objects_walked_;
  if (edge_sink_) set_source(at);
  for (const typeinfo::ByteRange& range : layout.untyped)
    untyped(at + range.offset, at + range.offset + range.length);
  for (const typeinfo::PointerSlot& slot : layout.pointers)
    if (uint64_t p = memory_.word(at + slot.offset)) {
      if (edge_sink_) where_ = source_.where(at + slot.offset);
      Reach r = typed_pointer(p, slot.pointee);
      r.weak = slot.weak;
      if (slot.owner) r.priority = KindPriority::kOwner;
      follow(r, trusted);
    }
  for (const typeinfo::ArraySlot& slot : layout.arrays) {
    if (slot.weak && !follow_weak_) continue;
    uint64_t count = slot.count;
    if (count == 0) {  // a flexible array member: to the end of the allocation
      auto node = allocations_.find(at);
      uint64_t element = std::max<uint64_t>(types_.layout(slot.element).size, 1);
      uint64_t begin = at + slot.offset;
      count = node && allocations_.end(*node) > begin ? (allocations_.end(*node) - begin) / element : 0;
    }
    push(at + slot.offset, slot.element, count, trusted);
  }
  for (const typeinfo::ContainerSlot& slot : layout.containers) {
    if (edge_sink_) where_ = source_.where(at + slot.offset);
    containers_.expand(slot.container, at + slot.offset,
                       [&](const Reach& r) { follow(r, trusted); }, [&](uint64_t b, uint64_t e) {
                         untyped(b, e);
                       });
  }
}

bool TypedWalk::run(const std::function<bool()>& interrupted) {
  uint64_t steps = 0;
  while (!stack_.empty()) {
    if (interrupted && (++steps & 0xffff) == 0 && interrupted()) return false;
    Work work = stack_.back();
    stack_.pop_back();
    uint64_t size = types_.layout(work.layout).size;
    // Arrays are walked one element per step so that a huge buffer stays interruptible.
    if (work.count > 1 && size)
      stack_.push_back({work.at + size, work.count - 1, work.layout, work.label, work.trusted});
    work_label_ = work.label;
    walk_object(work.at, work.layout, work.trusted);
  }
  return true;
}

}  // namespace heapwalk::walker
