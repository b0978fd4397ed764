// Reads the blocks and units of one allocator object of the program, as its compiled rule (or
// the built-in reading of boost::object_pool and protobuf's Arena) says, and validates them:
// links agree, units tile the block, counts are bounded. Blocks that validate are collected
// (each chunk once, over every allocator); the others are named in `mismatches`.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <lldb/API/SBType.h>

#include "typeinfo/layout.h"
#include "typeinfo/recognizers/expression.h"
#include "walker/allocator_compile.h"
#include "walker/carved_block.h"
#include "walker/malloc/allocation_table.h"
#include "walker/memory/memory_image.h"
#include "walker/protobuf_arena.h"

namespace heapwalk::walker {

class AllocatorCarver {
 public:
  AllocatorCarver(const MemoryImage& memory, const AllocationTable& table)
      : memory_(memory), table_(table) {
    read_ = [this](uint64_t address, void* out, size_t size) { return memory_.read(address, out, size); };
  }

  // Every block of the allocator at `a`; blocks that do not validate are left out (mismatches).
  void carve(const CompiledAllocator& c, uint64_t a);

  // boost::object_pool<T> at `a`: chunks of alloc_size() from each block's start, the block's
  // next block and its size in the block's last 16 bytes, the free chunks on a list from `first`.
  void carve_boost_pool(const typeinfo::Container& pool, uint64_t a);

  // protobuf's Arena at `a` (walker/protobuf_arena.h).
  void carve_protobuf_arena(ProtobufArenaCarver& arenas, lldb::SBType type, uint64_t a);

  std::vector<CarvedBlock> out;
  std::vector<std::string> mismatches;

 private:
  std::optional<uint64_t> value(const typeinfo::Expression& e, uint64_t object) const {
    return e.evaluate(object, read_);
  }
  std::optional<uint64_t> scoped(const Scoped& s, uint64_t descriptor, uint64_t allocator) const {
    return s.e.evaluate(s.on_descriptor ? descriptor : allocator, read_);
  }
  void mismatch(const CompiledAllocator& c, std::string what);

  // The units of a block, by the rule's form; an empty string, or why the block does not read.
  std::string heap_units(const CompiledAllocator& c, uint64_t h, uint64_t limit, CarvedBlock& b);
  std::string pool_units(const CompiledAllocator& c, uint64_t d, uint64_t a, uint64_t start,
                         uint64_t limit, CarvedBlock& b, uint64_t& stride);
  std::string bump_units(const CompiledAllocator& c, uint64_t d, uint64_t a, uint64_t start,
                         uint64_t limit, CarvedBlock& b);
  // A pool's free lists: each unit on them marked free.
  std::string mark_free(const CompiledAllocator& c, const std::vector<uint64_t>& descriptors,
                        uint64_t a, std::vector<CarvedBlock>& blocks,
                        const std::vector<uint64_t>& starts, const std::vector<uint64_t>& strides);

  const MemoryImage& memory_;
  const AllocationTable& table_;
  typeinfo::Expression::Read read_;
  std::set<uint64_t> carved_;
};

}  // namespace heapwalk::walker
