// A DWARF type compiled once into what a walk needs: where its typed pointers are, which
// embedded libstdc++ containers it holds, which bytes no type can explain, and whether its
// dynamic type must come from a vtable.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace heapwalk::typeinfo {

using LayoutId = uint32_t;
inline constexpr LayoutId kNoLayout = std::numeric_limits<LayoutId>::max();

// A typed pointer or reference member (possibly of a base or of a nested member).
struct PointerSlot {
  uint32_t offset = 0;
  LayoutId pointee = kNoLayout;
  bool weak = false;  // a shared_ptr control block's pointer to the object it manages
  bool owner = false;  // a container's element that owns its target (a recognizer's `elements`)
};

// An embedded array of a type that has edges of its own (T[N], std::array<T, N>).
// count == 0: a flexible array member (T x[]), which runs to the end of the allocation.
struct ArraySlot {
  uint32_t offset = 0;
  LayoutId element = kNoLayout;
  uint32_t count = 0;
  bool weak = false;  // a make_shared control block's object: kept alive by strong owners only
};

// Bytes the type cannot describe, scanned conservatively: unions that hold pointers, void* and
// char* members, raw char storage, 8-byte integers (intptr_t, tagged pointers), and aligned
// words no member covers.
struct ByteRange {
  uint32_t offset = 0;
  uint32_t length = 0;
};

enum class ContainerKind : uint8_t {
  kVector,
  kBitVector,
  kString,
  kUniquePtr,
  kUniqueArray,
  kSharedPtr,
  kWeakPtr,
  kRbTree,       // map, set, multimap, multiset
  kHashtable,    // unordered_*
  kList,
  kForwardList,
  kDeque,
  kOptional,
  kVariant,
  kFunction,     // std::function: the target is typed through its manager's symbol
  kAny,          // std::any: likewise
  kMonotonicResource,  // std::pmr::monotonic_buffer_resource: its upstream chunks
  kDeclared,     // a recognizer rule (recognizers/rules.h), compiled for this type
  kBoostUnordered,  // boost::unordered_map / _set (Boost 1.74): boost_unordered.h
  kBoostIntrusiveList,  // boost::intrusive::list: boost_intrusive.h
  kBoostIntrusiveTree,  // boost::intrusive::set, multiset, rbtree: boost_intrusive.h
  kBoostObjectPool,     // boost::object_pool: boost_pool.h
  kAbslBtree,    // absl::btree_map/set (typeinfo/abseil_btree.h)
  kProtobufMap,  // google::protobuf::Map (typeinfo/protobuf_map.h)
  kAbslCord,     // absl::Cord (typeinfo/abseil_cord.h)
  kAbslCordRep,  // absl::cord_internal::CordRep: a cord's node, laid out by its tag
};

// A recognized libstdc++ container type: where its own fields are, and what it holds.
// Offsets are taken from DWARF, not assumed.
struct Container {
  ContainerKind kind{};
  std::string name;               // "std::map<std::string, Sheet*>"
  std::string element_name;       // readable name of what it holds ("int[]" for shared_ptr<int[]>)
  LayoutId element = kNoLayout;   // value_type (for maps the pair), pointee for smart pointers
  LayoutId control = kNoLayout;   // shared_ptr: the control block's base (_Sp_counted_base)
  uint64_t element_size = 0;
  // Field offsets within the container object; meaning depends on kind (see containers.cpp).
  uint32_t field[4] = {0, 0, 0, 0};
  uint32_t value_offset = 0;      // offset of the value within a node (tree/hash/list nodes)
  uint32_t node_size = 0;         // bytes of a node the container explains (header + value)
  uint32_t index_size = 0;        // std::variant: size of _M_index
  std::vector<LayoutId> alternatives;  // std::variant
  uint32_t declared = 0;          // kDeclared: index into the registry's compiled rules
};

// "An object of this type sits inside an `object` at `offset`" (an intrusive hook), from a
// recognizer rule: a pointer to it leads to the enclosing object.
struct InsideOf {
  LayoutId object = kNoLayout;
  uint32_t offset = 0;
};

struct ContainerSlot {
  uint32_t offset = 0;
  uint32_t container = 0;  // index into the registry's container table
};

struct Layout {
  std::string name;        // readable: "Sheet", "std::vector<float>"
  uint64_t size = 0;
  uint32_t align = 1;
  bool polymorphic = false;  // a vptr at offset 0: the dynamic type comes from the vtable
  bool scalar = false;       // arithmetic or enum: buffers of it are "scalar arrays"
  bool complete = false;     // a definition was found (size and members are known)
  bool flexible = false;     // ends in a flexible array member: never an array of itself
  bool destructor = false;   // a non-trivial destructor: new T[n] stores n in a cookie
  bool compiled = false;
  std::vector<PointerSlot> pointers;
  std::vector<ArraySlot> arrays;
  std::vector<ContainerSlot> containers;
  std::vector<ByteRange> untyped;  // sorted, merged
  std::vector<InsideOf> inside;

  bool has_edges() const {
    return polymorphic || !pointers.empty() || !arrays.empty() || !containers.empty() ||
           !untyped.empty();
  }
  // Every byte is untyped (void*, intptr_t, a union of pointers): an array of it is one range.
  bool all_untyped() const {
    return size && untyped.size() == 1 && untyped[0].offset == 0 && untyped[0].length == size &&
           pointers.empty() && arrays.empty() && containers.empty();
  }
};

}  // namespace heapwalk::typeinfo
