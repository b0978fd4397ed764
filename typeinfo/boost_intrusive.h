// Boost.Intrusive 1.74 lists and red-black trees (list, set, multiset, rbtree): their nodes are
// hooks inside the user's objects, a base class or a member, so what a container reaches is the
// object that contains the hook, not a node. Recognized in C++: the object's type and the hook's
// place in it come from the container's value traits (bhtraits / mhtraits), which no rule can
// read.
#pragma once

#include <optional>

#include <lldb/API/SBType.h>

#include "typeinfo/layout.h"

namespace heapwalk::typeinfo {

class TypeRegistry;

// kBoostIntrusiveList: field[0] = the header node (in the container object), field[1] = next_
// in a node; kBoostIntrusiveTree: field[0] = the header node, whose parent_ (field[1]) is the
// root (its low bit may be the colour), field[2] = left_, field[3] = right_. value_offset = the
// node's offset in the object (element), which the walk reaches at node - value_offset.
std::optional<Container> recognize_boost_intrusive(lldb::SBType type, TypeRegistry& registry);

}  // namespace heapwalk::typeinfo
