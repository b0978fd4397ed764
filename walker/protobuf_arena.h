// protobuf 3.21's google::protobuf::Arena, a built-in sub-allocator (suballocators.h): its
// blocks are carved into the objects the arena itself knows about, and what is left of them.
//
// An Arena (ThreadSafeArena impl_) lists one SerialArena per thread (threads_, then next_); each
// lives at the start of its first block, after the block's header, and chains its blocks from
// the newest (head_) through each Block's next. A block is a malloc chunk: a 24-byte header
// (next, size, start), objects bumped up from there, and cleanup nodes (elem, destructor)
// growing down from its end. The current block's bump pointer and cleanup start are the
// SerialArena's ptr_ and limit_; a retired block keeps only its cleanup start (`start`), so its
// objects run up to there. Blocks do not record where their objects start; the cleanup nodes
// do, for every object with a destructor: a message with map fields (Node::ArenaDtor), a
// std::string (arena_destruct_object<std::string>), unknown fields. Those become units of
// their own, of the type the destructor names (sizeof rounded up to 8). Every other byte an
// object may use is in a unit too, scanned conservatively, so no edge is hidden:
//
//   head    [block, first object): the header (and the SerialArena) "google::protobuf::Arena block"
//   objects by their types; the stretches between them "google::protobuf::Arena objects"
//   free    the current block's [ptr_, limit_): a free unit (program_free)
//   cleanup [cleanup start, block + size): "google::protobuf::Arena cleanup" (the nodes point at
//           heap objects the arena owns, Arena::Own)
//
// The objects without a destructor (a message without map fields, a repeated field's Rep, a
// map's table and nodes) are found from those, and from the static roots' typed pointers, by a
// typed walk (protobuf_arena_objects.h): each
// becomes a unit of its own where it lies whole in one stretch, or encloses whole the objects
// it holds (a map node its key and value); one that would cut another object is left out.
//
// An arena's memory is freed as one: a block's units and its head reach each other
// (CarvedBlock::closed), and the heads reach each other through their own links, so reaching
// any object of an arena reaches all of it, as reaching its block did. What does not read as
// 3.21 writes it (no malloc chunk, a loop, a size or pointer outside its block, objects that
// overlap) leaves the arena's blocks whole, with one warning.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <lldb/API/SBTarget.h>

#include "typeinfo/type_registry.h"
#include "walker/carved_block.h"
#include "walker/malloc/allocation_table.h"
#include "walker/memory/memory_image.h"
#include "walker/protobuf_arena_objects.h"
#include "walker/roots/roots.h"

namespace heapwalk::walker {

inline constexpr const char* kProtobufArenaType = "google::protobuf::Arena";

class ProtobufArenaCarver {
 public:
  // `roots`: the static roots, whose typed pointers lead to objects on an arena too (a Tree*
  // made by Arena::CreateMessage, when Tree has no destructor the arena runs).
  ProtobufArenaCarver(lldb::SBTarget target, const MemoryImage& memory,
                      const AllocationTable& table, typeinfo::TypeRegistry& types,
                      const std::vector<Root>& roots)
      : target_(target), memory_(memory), table_(table), types_(types), roots_(roots) {}

  // The blocks of the Arena object at `arena`, appended to `out`; on a mismatch nothing is
  // appended and the reason is returned.
  std::optional<std::string> carve(uint64_t arena, lldb::SBType arena_type,
                                   std::vector<CarvedBlock>& out);

 private:
  struct Destroyed {  // what a cleanup function destroys
    std::string kind;
    uint64_t size = 0;
    typeinfo::LayoutId layout = typeinfo::kNoLayout;
  };
  struct BlockInfo {
    uint64_t block = 0, usable = 0, size = 0;
    uint64_t data = 0;          // the first object's place
    uint64_t used_end = 0;      // objects end here
    uint64_t free_end = 0;      // [used_end, free_end) free (the current block only)
    uint64_t cleanup_end = 0;   // cleanup nodes in [free_end, cleanup_end)
  };
  const Destroyed* destroyed_by(uint64_t function);
  void add_found_objects(const std::vector<BlockInfo>& blocks, std::vector<ArenaSeed> seeds,
                         std::vector<std::vector<ArenaObject>>& objects);
  lldb::SBType find_type(const std::string& demangled);

  lldb::SBTarget target_;
  const MemoryImage& memory_;
  const AllocationTable& table_;
  typeinfo::TypeRegistry& types_;
  const std::vector<Root>& roots_;
  std::optional<std::vector<ArenaSeed>> root_seeds_;  // the roots with a type, once
  std::map<uint64_t, std::optional<Destroyed>> functions_;
};

}  // namespace heapwalk::walker
