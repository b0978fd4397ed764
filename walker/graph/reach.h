// One out-edge found while walking an object: where it points and how to read what is there.
#pragma once

#include <cstdint>
#include <limits>

#include "typeinfo/layout.h"
#include "walker/graph/kinds.h"

namespace heapwalk::walker {

// How strongly a reach names the allocation it lands in: an allocator's view of its own chunk
// beats an owning container's view of a buffer, which beats a typed pointer to the start, which
// beats a pointer into the middle, which beats a word that merely looks like a pointer.
enum class KindPriority : uint8_t {
  kNone = 0,
  kConservative = 1,
  kInterior = 2,
  kPointer = 3,
  kOwner = 4,
  kAllocator = 5,
};

inline constexpr uint64_t kToAllocationEnd = std::numeric_limits<uint64_t>::max();
// Reach::covers for a block a container explains whole (vector<bool> words).
inline constexpr uint64_t kCoverWhole = std::numeric_limits<uint64_t>::max() - 1;
// Reach::covers when the type and the chunk decide what the reach explains (typed pointers).
inline constexpr uint64_t kCoverByType = std::numeric_limits<uint64_t>::max();

struct Reach {
  uint64_t target = 0;                              // the pointer value
  typeinfo::LayoutId layout = typeinfo::kNoLayout;  // what to walk there (kNoLayout: nothing)
  uint64_t walk_at = 0;                             // first element to walk
  uint64_t count = 1;                               // elements, or kToAllocationEnd
  KindId kind = kNoKind;                            // kNoKind: name it by the (dynamic) type
  KindPriority priority = KindPriority::kOwner;
  // Bytes from the target that the reach explains exactly (a container's buffer up to its
  // capacity, a tree node's header and value); 0 for none; kCoverByType for typed pointers.
  uint64_t covers = kCoverByType;
  bool weak = false;      // weak_ptr: keeps nothing alive in partitions
  bool dynamic = false;   // a T* that may point at a subclass object, or into one
  bool in_place = false;  // inside the current object (optional, variant)
  // What is walked there is probably, not surely, of this type (a pool's chunk that is not on
  // its free list): what it reaches is named, never covered, so no byte goes unscanned.
  bool untrusted = false;
  // `count` is exactly the number of elements the owner holds (a vector's size, a recognizer's
  // count): recorded for `heap size`'s element counts. Never set where count is a guess.
  bool counted = false;
};

// A reach that walks `count` elements of `layout` from its target (kNoLayout: walks nothing).
inline Reach reach_to(uint64_t target, typeinfo::LayoutId layout, KindId kind, uint64_t count = 1) {
  Reach r;
  r.target = target;
  r.layout = layout;
  r.walk_at = target;
  r.count = count;
  r.kind = kind;
  return r;
}

// A container's own block (buffer, node, bucket array) explained for `covers` bytes.
inline Reach owned_block(uint64_t target, typeinfo::LayoutId layout, KindId kind, uint64_t count,
                         uint64_t covers) {
  Reach r = reach_to(target, layout, kind, count);
  r.covers = covers;
  return r;
}

// A typed pointer of static type `layout`, which may point at a subclass object or into one.
inline Reach typed_pointer(uint64_t target, typeinfo::LayoutId layout) {
  Reach r = reach_to(target, layout, kNoKind);
  r.priority = KindPriority::kPointer;
  r.dynamic = true;
  return r;
}

// A value held inside the current object (an engaged optional, a variant's alternative).
inline Reach in_place_at(uint64_t address, typeinfo::LayoutId layout) {
  Reach r = reach_to(address, layout, kNoKind);
  r.in_place = true;
  return r;
}

}  // namespace heapwalk::walker
