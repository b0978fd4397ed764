// One out-edge found while walking an object: where it points and how to read what is there.
#pragma once

#include <cstdint>
#include <limits>

#include "typeinfo/layout.h"
#include "walker/graph/kinds.h"

namespace heapwalk::walker {

// How strongly a reach names the allocation it lands in: an owning container's view of a buffer
// beats a typed pointer to its start, which beats a pointer into its middle.
enum class KindPriority : uint8_t { kNone = 0, kInterior = 1, kPointer = 2, kOwner = 3 };

inline constexpr uint64_t kToAllocationEnd = std::numeric_limits<uint64_t>::max();

struct Reach {
  uint64_t target = 0;                              // the pointer value
  typeinfo::LayoutId layout = typeinfo::kNoLayout;  // what to walk there (kNoLayout: nothing)
  uint64_t walk_at = 0;                             // first element to walk
  uint64_t count = 1;                               // elements, or kToAllocationEnd
  KindId kind = kNoKind;                            // kNoKind: name it by the (dynamic) type
  KindPriority priority = KindPriority::kOwner;
  bool weak = false;                                // weak_ptr: never keeps anything alive
  bool dynamic = false;                             // a T* that may point at a subclass object
  bool in_place = false;                            // inside the current object (optional, variant)
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

// A value held inside the current object (an engaged optional, a variant's alternative).
inline Reach in_place_at(uint64_t address, typeinfo::LayoutId layout) {
  Reach r = reach_to(address, layout, kNoKind);
  r.in_place = true;
  return r;
}

}  // namespace heapwalk::walker
