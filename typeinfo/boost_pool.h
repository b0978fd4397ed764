// Boost.Pool 1.74's object_pool<T>: blocks from the user allocator (new char[]), chained
// through a (pointer, size) pair at each block's end, carved into chunks of T at a stride, the
// free ones on a list through their first word. Recognized in C++ (the chain and the free list
// are links no rule can follow; an [[allocator]] rule cannot read this chain either, whose
// links sit at each block's end). walker/allocator_carver.cpp carves the blocks with this
// Container's fields: each live chunk becomes an allocation of its own, which the pool's walk
// reaches as a T (untrusted: object_pool::malloc() hands out chunks nobody constructed). When
// the blocks do not validate they stay the allocations: a block is "boost::object_pool<T>
// block", scanned conservatively whole, and each chunk that is not on the free list is walked
// as a T, so that what the objects own is typed.
#pragma once

#include <optional>

#include <lldb/API/SBType.h>

#include "typeinfo/layout.h"

namespace heapwalk::typeinfo {

class TypeRegistry;

// field[0] = list.ptr (the first block), field[1] = list.sz (its size), field[2] = first (the
// free list), field[3] = requested_size; element = T. A block of size sz holds its chunks in
// [0, sz - 16) and the next block's pointer and size at sz - 16 and sz - 8.
std::optional<Container> recognize_boost_pool(lldb::SBType type, TypeRegistry& registry);

}  // namespace heapwalk::typeinfo
