// absl::Cord (Abseil 20220623): a C++ recognizer, because what a cord points to is chosen by a
// tag byte in the pointee (a range of values for flats, whose size the tag encodes), which no
// declared layout can say. The walk is walker/graph/abseil_cord_walk.cpp.
//
// A Cord is its InlineData (16 bytes, `contents_.data_`): byte 15 even, up to 15 characters in
// place; odd, a tree: word 0 the root CordRep*, word 1 the cordz word (byte-swapped CordzInfo*
// | 1 when the cord is sampled). Every rep starts with CordRep { size_t length; refcount (4
// bytes); uint8_t tag; uint8_t storage[3]; } and, by tag:
//   FLAT (6..248)  characters from offset 13 (storage), in TagToAllocatedSize(tag) bytes;
//   SUBSTRING (1)  size_t start @16, CordRep* child @24 (a flat or an external);
//   CRC (2)        CordRep* child @16 (at the top of a tree only);
//   BTREE (3)      height = storage[0], edges [storage[1], storage[2]) of CordRep* edges_[6] @16:
//                  btree nodes of height - 1, or (height 0) flats, externals and substrings;
//   EXTERNAL (5)   const char* base @16, releaser invoker @24, then the releaser
//                  (CordRepExternalImpl<R>: the invoker's symbol names R);
//   RING (4)       not recognized (Abseil's ring buffer is off unless enabled): scanned.
// The tag values are checked against the program's CordRepKind enumerators; another version's
// numbering leaves cords scanned conservatively.
//
// Container fields: kAbslCord: field[0] the InlineData's offset in the Cord; kAbslCordRep (the
// CordRep type itself, wherever a rep is walked): none (its header's offsets are checked against
// DWARF when it is recognized). element: CordRep's layout (what each pointer to a rep is walked
// as).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <lldb/API/SBType.h>

#include "typeinfo/layout.h"

namespace heapwalk::typeinfo {

class TypeRegistry;

std::optional<Container> recognize_absl_cord(lldb::SBType type, const std::string& readable,
                                             TypeRegistry& registry);

namespace cord {

enum Tag : uint8_t { kSubstring = 1, kCrc = 2, kBtree = 3, kRing = 4, kExternal = 5, kFlat = 6,
                     kMaxFlat = 248 };
inline constexpr uint64_t kRepHeader = 16;      // sizeof(CordRep)
inline constexpr uint32_t kTagOffset = 12;      // CordRep::tag (storage follows it)
inline constexpr uint64_t kFlatOverhead = 13;   // offsetof(CordRep, storage)
inline constexpr uint64_t kChildOffset = 24;    // CordRepSubstring::child
inline constexpr uint64_t kCrcChildOffset = 16; // CordRepCrc::child
inline constexpr uint64_t kEdgesOffset = 16;    // CordRepBtree::edges_
inline constexpr uint64_t kMaxEdges = 6;        // CordRepBtree::kMaxCapacity
inline constexpr uint64_t kMaxHeight = 11;      // CordRepBtree::kMaxHeight
inline constexpr uint64_t kBaseOffset = 16;     // CordRepExternal::base
inline constexpr uint64_t kInvokerOffset = 24;  // CordRepExternal::releaser_invoker
inline constexpr uint64_t kSubstringSize = 32, kCrcSize = 32, kBtreeSize = 64, kExternalSize = 32;

// cord_rep_flat.h's TagToAllocatedSize: 8-byte steps to 512, 64-byte steps to 8 KiB, then 4 KiB.
constexpr uint64_t flat_allocated_size(uint8_t tag) {
  constexpr uint64_t base = kFlat - 4;
  return tag <= base + 512 / 8            ? uint64_t{tag} * 8 - base * 8
         : tag <= base + 512 / 8 + (8192 - 512) / 64
             ? 512 + uint64_t{tag} * 64 - base * 64 - 512 / 8 * 64
             : 8192 + uint64_t{tag} * 4096 - base * 4096 - (512 / 8 + (8192 - 512) / 64) * 4096;
}
static_assert(flat_allocated_size(kFlat) == 32 && flat_allocated_size(kMaxFlat) == 256 * 1024);

// What a rep's header says it is, before its allocation is looked at: its kind and the bytes of
// it that its layout explains (nullopt: not a rep this version writes, or inconsistent).
struct RepShape {
  uint8_t tag = 0;   // kFlat for every flat
  uint64_t bytes = 0;
};
std::optional<RepShape> rep_shape(uint64_t length, uint8_t tag, const uint8_t storage[3]);

}  // namespace cord
}  // namespace heapwalk::typeinfo
