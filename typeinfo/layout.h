// A DWARF type compiled once into what a walk needs: where its pointers are, which embedded
// libstdc++ containers it holds, and whether its dynamic type must come from a vtable.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace heapwalk::typeinfo {

using LayoutId = uint32_t;
inline constexpr LayoutId kNoLayout = std::numeric_limits<LayoutId>::max();

// A pointer or reference member (possibly of a base or of a nested member).
struct PointerSlot {
  uint32_t offset = 0;
  LayoutId pointee = kNoLayout;  // kNoLayout: void*, function pointers and other untyped targets
};

// An embedded array of a type that has edges of its own (T[N], std::array<T, N>).
struct ArraySlot {
  uint32_t offset = 0;
  LayoutId element = kNoLayout;
  uint32_t count = 0;
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
};

// A recognized libstdc++ container type: where its own fields are, and what it holds.
// Offsets are taken from DWARF, not assumed.
struct Container {
  ContainerKind kind{};
  std::string name;               // "std::map<std::string, Sheet*>"
  LayoutId element = kNoLayout;   // value_type (for maps the pair), pointee for smart pointers
  uint64_t element_size = 0;
  // Field offsets within the container object; meaning depends on kind (see containers.cpp).
  uint32_t field[4] = {0, 0, 0, 0};
  uint32_t value_offset = 0;      // offset of the value within a node (tree/hash/list nodes)
  uint32_t index_size = 0;        // std::variant: size of _M_index
  std::vector<LayoutId> alternatives;  // std::variant
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
  bool opaque = false;       // holds a union or raw storage the type cannot describe
  bool compiled = false;
  std::vector<PointerSlot> pointers;
  std::vector<ArraySlot> arrays;
  std::vector<ContainerSlot> containers;

  bool has_edges() const {
    return polymorphic || !pointers.empty() || !arrays.empty() || !containers.empty();
  }
};

}  // namespace heapwalk::typeinfo
