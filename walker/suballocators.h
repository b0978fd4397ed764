// The program's own allocators ([[allocator]] rules, typeinfo/recognizers/allocator_rules.h):
// the malloc chunks they carve become their units. Each allocator object a rule names is found
// from the static roots (through members, base classes, fixed arrays, plain pointers and
// std::vector elements); its blocks and units are read and validated (links agree, units tile
// the block, counts bounded);
// then the allocation table is rebuilt: each live unit an allocation, each free unit in the
// table's free_units, each block's head (from its start to its first unit) an allocation of its
// own. A block that does not validate stays one allocation, with one warning for all of them.
// Built in, without a rule: boost::object_pool<T> (typeinfo/boost_pool.h) and protobuf's Arena
// (walker/protobuf_arena.h), read in C++.
#pragma once

#include <vector>

#include <lldb/API/SBTarget.h>

#include "typeinfo/type_registry.h"
#include "walker/malloc/malloc_heap.h"
#include "walker/memory/memory_image.h"

namespace heapwalk::walker {

// Rebuilds heap.in_use with the units of every allocator the rules name; adds a warning to
// heap.warnings when a block falls back to whole. The carved chunks' ranges, sorted (no typed
// object is walked in them outside a unit).
std::vector<HeapRange> carve_suballocators(lldb::SBTarget target, const MemoryImage& memory,
                                           const GlibcLayout& glibc, MallocHeap& heap,
                                           typeinfo::TypeRegistry& types);

}  // namespace heapwalk::walker
