// The built-in allocators, carved in C++ (their links are none a rule can follow), as rules the
// allocator finder matches like the user's ones.
#pragma once

#include "typeinfo/recognizers/allocator_rules.h"

namespace heapwalk::walker {

// Boost.Pool's object_pool<T> (typeinfo/boost_pool.h), whose blocks chain through a (pointer,
// size) pair at each block's end.
const typeinfo::AllocatorRule& boost_pool_rule();

// protobuf's Arena (walker/protobuf_arena.h): its blocks carved into the objects its cleanup
// lists name and the stretches between them.
const typeinfo::AllocatorRule& protobuf_arena_rule();

}  // namespace heapwalk::walker
