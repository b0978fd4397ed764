// absl::Cord (typeinfo/abseil_cord.h): a tree cord's root rep, and each rep's children, reached
// by typed edges from where their pointers are (the cord, a btree node's edges, a substring's or
// a crc node's child), each rep named by its tag and explained up to what its tag says it holds.
// A pointer is followed as a rep only when the header it points to reads as one that fits its
// place (a btree node's children are nodes one level down, or data edges); any other word is
// left to the conservative scan, so a wrong guess costs a name, never an edge. A rep shared by
// several cords (refcounted) is walked once and reached from each; a loop is walked once.
#include <cstring>

#include "typeinfo/abseil_cord.h"
#include "walker/graph/container_walk.h"

namespace heapwalk::walker {

using typeinfo::Container;
namespace cord = typeinfo::cord;

namespace {

struct RepHeader {
  uint64_t length = 0;
  uint8_t tag = 0;
  uint8_t storage[3] = {0, 0, 0};
};

bool read_header(const MemoryImage& memory, uint64_t rep, RepHeader& out) {
  uint8_t bytes[cord::kRepHeader];
  if (!memory.read(rep, bytes, sizeof bytes)) return false;
  std::memcpy(&out.length, bytes, 8);
  out.tag = bytes[cord::kTagOffset];
  std::memcpy(out.storage, bytes + cord::kTagOffset + 1, 3);
  return true;
}

}  // namespace

const ContainerWalk::CordKinds& ContainerWalk::cord_kinds() {
  if (cord_kinds_.flat == kNoKind) {
    cord_kinds_.flat = kinds_.intern("absl::Cord flat");
    cord_kinds_.btree = kinds_.intern("absl::Cord btree node");
    cord_kinds_.substring = kinds_.intern("absl::Cord substring");
    cord_kinds_.crc = kinds_.intern("absl::Cord crc");
    cord_kinds_.external = kinds_.intern("absl::Cord external");
    cord_kinds_.external_data = kinds_.intern("absl::Cord external data");
  }
  return cord_kinds_;
}

void ContainerWalk::absl_cord(const Container& c, uint64_t object, const Emit& emit,
                              const Untyped& untyped) {
  const uint64_t data = object + c.field[0];
  uint8_t tag = 0;  // byte 15: the inline size << 1, or odd for a tree
  if (!memory_.read(data + 15, &tag, 1) || (tag & 1) == 0) return;  // characters in place
  untyped(data + 8, data + 16);  // the cordz word: a byte-swapped CordzInfo*, not followed
  absl_cord_edge(c, data, CordEdge::kRoot, 0, emit, untyped);
}

// The rep `slot` points to, if it reads as what `edge` allows there: a typed reach that names
// it and explains its bytes; otherwise the slot is scanned.
void ContainerWalk::absl_cord_edge(const Container& c, uint64_t slot, CordEdge edge,
                                   unsigned height, const Emit& emit, const Untyped& untyped) {
  const uint64_t rep = memory_.word(slot);
  if (rep == 0) return;
  RepHeader h;
  auto shape = read_header(memory_, rep, h)
                   ? typeinfo::cord::rep_shape(h.length, h.tag, h.storage)
                   : std::nullopt;
  bool fits = false;
  if (shape) {
    const uint8_t t = shape->tag;
    const bool data = t == cord::kFlat || t == cord::kExternal;
    switch (edge) {
      case CordEdge::kRoot:
        fits = true;
        break;
      case CordEdge::kBelowCrc:
        fits = t != cord::kCrc;
        break;
      case CordEdge::kData:  // a btree leaf's edge
        fits = data || t == cord::kSubstring;
        break;
      case CordEdge::kLeafData:  // a substring's child
        fits = data;
        break;
      case CordEdge::kBtree:
        fits = t == cord::kBtree && h.storage[0] == height;
        break;
    }
    // A rep on the heap is an allocation of its own, as large as its tag says (an immortal
    // external rep may be static).
    if (auto node = allocations_.find(rep))
      fits = fits && allocations_.address(*node) == rep &&
             allocations_.usable_size(*node) >= shape->bytes;
  }
  if (!fits) return untyped(slot, slot + 8);
  const CordKinds& k = cord_kinds();
  KindId kind = k.flat;
  switch (shape->tag) {
    case cord::kBtree: kind = k.btree; break;
    case cord::kSubstring: kind = k.substring; break;
    case cord::kCrc: kind = k.crc; break;
    case cord::kExternal: kind = k.external; break;
    default: break;
  }
  // The rep is walked as CordRep, whose recognizer (absl_cord_rep) follows its children.
  emit(owned_block(rep, c.element, kind, 1, shape->bytes));
}

// A rep walked as absl::cord_internal::CordRep (from a cord, another rep, or any CordRep*).
void ContainerWalk::absl_cord_rep(const Container& c, uint64_t rep, const Emit& emit,
                                  const Untyped& untyped) {
  // Only at an allocation's start (or outside the heap): not as an element of a CordRep[] that
  // a foreign CordRep* to a larger block implies.
  if (auto node = allocations_.find(rep); node && allocations_.address(*node) != rep) return;
  RepHeader h;
  if (!read_header(memory_, rep, h)) return;
  auto shape = cord::rep_shape(h.length, h.tag, h.storage);
  if (!shape) return;
  switch (shape->tag) {
    case cord::kSubstring:
      return absl_cord_edge(c, rep + cord::kChildOffset, CordEdge::kLeafData, 0, emit, untyped);
    case cord::kCrc:
      return absl_cord_edge(c, rep + cord::kCrcChildOffset, CordEdge::kBelowCrc, 0, emit, untyped);
    case cord::kBtree: {
      const unsigned height = h.storage[0];
      // Edges outside [begin, end) are dead (released, or never set): not read.
      for (uint64_t i = h.storage[1]; i < h.storage[2]; ++i)
        absl_cord_edge(c, rep + cord::kEdgesOffset + 8 * i,
                       height ? CordEdge::kBtree : CordEdge::kData, height ? height - 1 : 0, emit,
                       untyped);
      return;
    }
    case cord::kExternal: {
      // The data: named when it is an allocation of its own (a buffer the releaser frees);
      // inside another block or in static storage, left to the scan.
      const uint64_t base = memory_.word(rep + cord::kBaseOffset);
      auto data = base ? allocations_.find(base) : std::nullopt;
      if (data && allocations_.address(*data) == base) {
        Reach r = owned_block(base, typeinfo::kNoLayout, cord_kinds().external_data, 0, 0);
        r.priority = KindPriority::kPointer;  // an owner that knows its type names it better
        emit(r);
      } else {
        untyped(rep + cord::kBaseOffset, rep + cord::kBaseOffset + 8);
      }
      // The releaser, after the header (its bytes are also scanned: the rep explains only
      // its header), walked as its type when the invoker's symbol names it.
      const uint64_t invoker = memory_.word(rep + cord::kInvokerOffset);
      if (const typeinfo::CordReleaser* releaser = invoker ? erasure_.cord_releaser(invoker) : nullptr)
        emit(in_place_at(rep + releaser->offset, releaser->layout));
      return;
    }
    default:
      return;  // a flat: characters only
  }
}

}  // namespace heapwalk::walker
