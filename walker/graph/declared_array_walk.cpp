// Recognizer rules (typeinfo/recognizers/rules.h) on one object: its unions, pointers and
// [[recognizer.array]] rules: the buffer, with its optional block (the allocation it lives in),
// condition (when), live slots (control bytes) and nodes (slots that own what they point to).
#include <vector>

#include "walker/graph/container_walk.h"

namespace heapwalk::walker {

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

void ContainerWalk::declared_array(const typeinfo::DeclaredArray& a, uint64_t object,
                                   const typeinfo::Expression::Read& read, const Emit& emit) {
  if (!a.when.empty()) {
    auto exists = a.when.evaluate(object, read);
    if (!exists || !*exists) return;
  }
  auto address = a.pointer.evaluate(object, read);
  auto count = a.count.evaluate(object, read);
  if (!address || !*address || !count || a.element_size == 0) return;
  auto capacity = a.capacity.empty() ? count : a.capacity.evaluate(object, read);
  uint64_t held = capacity && *capacity >= *count ? *capacity : *count;

  if (a.in_place) {  // inside the object (an inline buffer): walked; the object names itself
    Reach r = in_place_at(*address, a.element);
    r.count = std::min(*count, a.in_place_bytes / a.element_size);
    if (r.count) emit(r);
    return;
  }

  uint64_t block = *address;
  if (!a.block.empty()) {
    auto b = a.block.evaluate(object, read);
    if (!b || !*b || *b > *address) return;
    block = *b;
  }
  const KindId kind = kinds_.intern(a.kind);
  if (a.element != typeinfo::kNoLayout && types_.layout(a.element).scalar)
    kinds_.mark_scalar_array(kind);  // double[]: the ledger's scalar arrays
  if (a.node == typeinfo::kNoLayout && a.element != typeinfo::kNoLayout &&
      types_.layout(a.element).scalar)
    kinds_.mark_scalar_array(kind);
  const uint64_t covers = *address - block + held * a.element_size;
  // In an allocation, the walk stops at its end; elsewhere (static storage) a garbage count
  // must not run away either.
  const uint64_t walked = allocations_.find(block) ? *count : std::min(*count, bounded(*count));
  if (a.live_bytes.empty() && a.node == typeinfo::kNoLayout) {
    Reach r = owned_block(block, a.element, kind, walked, covers);
    r.walk_at = *address;
    r.counted = walked == *count;  // the rule's count (an Eigen matrix's rows x cols)
    emit(r);
    return;
  }

  // The block, then each live element: the rest of the slots is dead storage.
  emit(owned_block(block, typeinfo::kNoLayout, kind, 0, covers));
  uint64_t n = *count;
  if (auto node = allocations_.find(block))
    n = std::min(n, allocations_.end(*node) > *address
                        ? (allocations_.end(*node) - *address) / a.element_size : 0);
  else
    n = std::min(n, bounded(n));
  std::vector<uint8_t> live(n, 1);
  if (!a.live_bytes.empty()) {
    auto bytes = a.live_bytes.evaluate(object, read);
    if (!bytes || !*bytes || !memory_.read(*bytes, live.data(), n)) return;
    for (uint8_t& b : live) b = (b & a.live_mask) == a.live_equals;
  }
  const KindId node_kind = a.node == typeinfo::kNoLayout ? kNoKind : kinds_.intern(a.node_kind);
  for (uint64_t i = 0; i < n;) {
    if (!live[i]) {
      ++i;
      continue;
    }
    uint64_t j = i + 1;
    while (j < n && live[j]) ++j;
    if (a.node != typeinfo::kNoLayout) {
      for (uint64_t k = i; k < j; ++k)
        if (uint64_t p = memory_.word(*address + k * a.element_size)) {
          Reach r = typed_pointer(p, a.node);
          r.kind = node_kind;
          r.priority = KindPriority::kOwner;
          emit(r);
        }
    } else {
      Reach r = owned_block(block, a.element, kind, j - i, covers);
      r.walk_at = *address + i * a.element_size;
      emit(r);
    }
    i = j;
  }
}

}  // namespace heapwalk::walker
