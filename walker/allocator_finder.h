// Finds the program's allocator objects (types an allocator rule names) from the static roots,
// through the members, pointers and std::vector elements whose types can lead to one (debug
// info, read once per type).
#pragma once

#include <cstdint>
#include <vector>

#include <lldb/API/SBType.h>

#include "typeinfo/recognizers/allocator_rules.h"
#include "typeinfo/type_registry.h"
#include "walker/memory/memory_image.h"
#include "walker/roots/roots.h"

namespace heapwalk::walker {

struct FoundAllocator {
  uint64_t address = 0;
  lldb::SBType type;
  const typeinfo::AllocatorRule* rule = nullptr;
};

// Each allocator object once (by address and type), with the first rule that names its type.
std::vector<FoundAllocator> find_allocators(const MemoryImage& memory, typeinfo::TypeRegistry& types,
                                            const std::vector<typeinfo::AllocatorRule>& rules,
                                            const std::vector<Root>& roots);

}  // namespace heapwalk::walker
