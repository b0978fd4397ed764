// The objects of a protobuf Arena that no cleanup node names (walker/protobuf_arena.h): messages
// without a destructor (a `Point`), RepeatedField and RepeatedPtrField buffers (their Rep), a
// Map's bucket table and nodes. They are found by a typed walk of the objects the cleanup nodes
// do name, and of the static roots, through the same compiled layouts and recognizers as the
// graph's walk (ContainerWalk): every typed pointer, and every block a container explains,
// that lands in the arena's objects becomes an object of its own, of the pointee's type
// (sizeof) or of the container's block (header and capacity), rounded up to 8 as the arena
// allocates. A polymorphic pointee is named by its vtable, or not at all. Nothing outside the
// arena is walked but the seeds. The walk is depth first from the seeds in a fixed order (the
// roots', then the cleanup nodes' by address), so the same memory always gives the same
// objects; what it cannot name stays in the stretches, scanned.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "typeinfo/layout.h"
#include "typeinfo/type_registry.h"
#include "walker/malloc/allocation_table.h"
#include "walker/memory/memory_image.h"

namespace heapwalk::walker {

struct ArenaObject {
  uint64_t address = 0, size = 0;
  std::string kind;
};

struct ArenaSpan {  // one block's objects: [begin, end)
  uint64_t begin = 0, end = 0;
};

struct ArenaSeed {  // an object the cleanup nodes name
  uint64_t address = 0;
  typeinfo::LayoutId layout = typeinfo::kNoLayout;
};

// Which of the objects the walk `found` become objects, per span, added to `known` (the cleanup
// nodes' objects in each span, sorted by address here): one that lies whole in a stretch, or
// that encloses whole every known object it overlaps (a map node its key and value strings), in
// the order found; one that would cut a known object, lies inside one (a member) or is the same
// extent as one, or overlaps a found object accepted before it, is left to the stretches.
std::vector<std::vector<ArenaObject>> accept_found(const std::vector<ArenaSpan>& spans,
                                                   std::vector<std::vector<ArenaObject>>& known,
                                                   const std::vector<ArenaObject>& found);

class ArenaObjectWalk {
 public:
  ArenaObjectWalk(const MemoryImage& memory, const AllocationTable& table,
                  typeinfo::TypeRegistry& types)
      : memory_(memory), table_(table), types_(types) {}

  // The objects reached from `seeds` (walked in their order, each in place, wherever it lies)
  // that lie in `spans` (sorted, disjoint), in the order the walk met them; a seed is found
  // again only when reached as something larger.
  std::vector<ArenaObject> find(const std::vector<ArenaSpan>& spans,
                                const std::vector<ArenaSeed>& seeds);

 private:
  const MemoryImage& memory_;
  const AllocationTable& table_;
  typeinfo::TypeRegistry& types_;
};

}  // namespace heapwalk::walker
