// absl::btree_map / btree_set / btree_multimap / btree_multiset (Abseil 20220623): a C++
// recognizer, because a btree node's layout is computed from its slot type (absl's
// container_internal::Layout), not declared in DWARF. The walk is
// walker/graph/abseil_btree_walk.cpp.
//
// Node (btree_node<Params>, one allocation): parent (8 bytes), 4 field_type counters (position,
// start, finish, max_count; uint8_t, or uint16_t when more than 255 slots fit the target node
// size), padding to the slot alignment, kNodeSlots slots (values [start, finish)), then, in an
// internal node only (max_count == 0), kNodeSlots + 1 children [start, finish]. A leaf holds
// max_count slots (the root leaf grows: max_count < kNodeSlots). Generations (sanitizer builds
// only) are not supported.
//
// Container fields for ContainerKind::kAbslBtree: field[0] the tree's root_ pointer, field[1]
// its size_, field[2] the offset of the slots in a node, field[3] the offset of the children;
// element the key's layout (walked at slot + 0), alternatives[0] (maps) the mapped value's,
// walked at slot + value_offset; element_size the slot size; index_size kNodeSlots;
// node_size the width of a field_type (1 or 2).
#pragma once

#include <optional>

#include <lldb/API/SBType.h>

#include "typeinfo/layout.h"

namespace heapwalk::typeinfo {

class TypeRegistry;

std::optional<Container> recognize_absl_btree(lldb::SBType type, const std::string& readable,
                                              TypeRegistry& registry);

// The bytes of a leaf holding `slots` slots, and of an internal node.
uint64_t absl_btree_leaf_size(const Container& c, uint64_t slots);
uint64_t absl_btree_internal_size(const Container& c);

}  // namespace heapwalk::typeinfo
