// Boost.Unordered 1.74's node-based tables (boost::unordered_map, unordered_set and their multi
// forms): a recognizer in C++ because the node type is found only through the table's node
// allocator, and the nodes form one chain that starts in the bucket array's extra bucket.
#pragma once

#include <optional>

#include <lldb/API/SBType.h>

#include "typeinfo/layout.h"

namespace heapwalk::typeinfo {

class TypeRegistry;

// field[0] = table_.buckets_, field[1] = table_.bucket_count_, field[2] = table_.size_ (offsets
// in the container object). buckets_ holds bucket_count_ + 1 bucket pointers; the last one's
// next_ is the first node, and each node's next_ (its first word) the next one. The value lives
// at value_offset of a node (ptr_node<V>::value_base_, raw storage DWARF cannot type).
std::optional<Container> recognize_boost_unordered(lldb::SBType type, TypeRegistry& registry);

}  // namespace heapwalk::typeinfo
