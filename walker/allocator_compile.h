// An allocator rule ([[allocator]], or a built-in one) compiled against one allocator type:
// its expressions bound to the allocator's and its block descriptor's members, checked once,
// so that carving reads raw memory only (walker/allocator_carver.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <lldb/API/SBType.h>

#include "typeinfo/recognizers/allocator_rules.h"
#include "typeinfo/recognizers/expression.h"
#include "typeinfo/type_registry.h"

namespace heapwalk::walker {

using typeinfo::AllocatorRule;
using typeinfo::Expression;

// An expression read from the descriptor when it names the descriptor's fields, else from the
// allocator.
struct Scoped {
  Expression e;
  bool on_descriptor = false;
  bool empty() const { return e.empty(); }
};

// A rule bound to one allocator type.
struct CompiledAllocator {
  const AllocatorRule* rule = nullptr;
  std::string name;  // the allocator's readable name
  Expression blocks, next, count, memory;
  Scoped first, size;
  lldb::SBType descriptor;
  uint64_t descriptor_size = 0;
  bool descriptor_struct = false;
  // heap
  Expression unit_size, in_use, unit_next, unit_prev;
  uint64_t header_size = 0, payload = 0;
  // pool
  Scoped pool_size, pool_units;
  struct FreeHeads {
    uint32_t offset = 0, count = 0;
    bool on_descriptor = false;
  };
  std::optional<FreeHeads> free;
  // bump
  Scoped used;
};

// Throws typeinfo::RecognizerError (with the rule's file and line) when the rule does not fit
// the type.
CompiledAllocator compile_allocator(const AllocatorRule& rule, lldb::SBType type,
                                    typeinfo::TypeRegistry& types);

}  // namespace heapwalk::walker
