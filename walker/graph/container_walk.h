// Reads a libstdc++ container in target memory and reports what it holds as Reaches.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "typeinfo/type_erasure.h"
#include "typeinfo/type_registry.h"
#include "walker/malloc/allocation_table.h"
#include "walker/graph/heap_graph.h"
#include "walker/graph/kinds.h"
#include "walker/memory/memory_image.h"
#include "walker/graph/reach.h"

namespace heapwalk::walker {

class ContainerWalk {
 public:
  using Emit = std::function<void(const Reach&)>;
  // Bytes of the container that it cannot explain (an unresolved std::function's storage).
  using Untyped = std::function<void(uint64_t begin, uint64_t end)>;

  ContainerWalk(const MemoryImage& memory, const AllocationTable& allocations,
                typeinfo::TypeRegistry& types, typeinfo::TypeErasure& erasure, KindTable& kinds)
      : memory_(memory), allocations_(allocations), types_(types), erasure_(erasure), kinds_(kinds) {}

  // Everything the container at `object` (registry container `index`) points to.
  void expand(uint32_t index, uint64_t object, const Emit& emit, const Untyped& untyped);
  // The element types of the buffers and nodes named so far, into `out` (by KindId).
  void kind_layouts(std::vector<KindLayout>& out);

 private:
  struct Names {
    KindId buffer = kNoKind;     // vector/string buffers, tree/hash/list nodes, deque blocks
    KindId secondary = kNoKind;  // hash buckets, deque map, shared_ptr control block
    KindId in_place = kNoKind;   // make_shared: object and control block in one allocation
  };
  const Names& names(uint32_t index);

  void vector(const typeinfo::Container& c, const Names& n, uint64_t object, const Emit& emit);
  void shared(const typeinfo::Container& c, const Names& n, uint64_t object, const Emit& emit);
  void rb_tree(const typeinfo::Container& c, const Names& n, uint64_t object, const Emit& emit);
  void hashtable(const typeinfo::Container& c, const Names& n, uint64_t object, const Emit& emit);
  void list(const typeinfo::Container& c, const Names& n, uint64_t object, const Emit& emit);
  void forward_list(const typeinfo::Container& c, const Names& n, uint64_t object, const Emit& emit);
  void deque(const typeinfo::Container& c, const Names& n, uint64_t object, const Emit& emit);
  void variant(const typeinfo::Container& c, uint64_t object, const Emit& emit);
  void function(const typeinfo::Container& c, uint64_t object, const Emit& emit,
                const Untyped& untyped);
  void any(const typeinfo::Container& c, uint64_t object, const Emit& emit, const Untyped& untyped);
  void erased_value(uint64_t storage, const typeinfo::ErasedType* value, const Emit& emit);
  void boost_unordered(const typeinfo::Container& c, const Names& n, uint64_t object,
                       const Emit& emit);
  void boost_intrusive(const typeinfo::Container& c, uint64_t object, const Emit& emit);
  void boost_object_pool(const typeinfo::Container& c, const Names& n, uint64_t object,
                         const Emit& emit);
  void declared(const typeinfo::Declared& d, uint64_t object, const Emit& emit);
  void absl_btree(const typeinfo::Container& c, const Names& n, uint64_t object,
                  const Emit& emit);  // abseil_btree_walk.cpp
  void protobuf_map(const typeinfo::Container& c, const Names& n, uint64_t object,
                    const Emit& emit);  // protobuf_map_walk.cpp
  // absl::Cord and its reps (abseil_cord_walk.cpp).
  void absl_cord(const typeinfo::Container& c, uint64_t object, const Emit& emit,
                 const Untyped& untyped);
  void absl_cord_rep(const typeinfo::Container& c, uint64_t rep, const Emit& emit,
                     const Untyped& untyped);
  enum class CordEdge : uint8_t { kRoot, kBelowCrc, kData, kLeafData, kBtree };
  void absl_cord_edge(const typeinfo::Container& c, uint64_t slot, CordEdge edge, unsigned height,
                      const Emit& emit, const Untyped& untyped);
  void declared_array(const typeinfo::DeclaredArray& a, uint64_t object,
                      const typeinfo::Expression::Read& read, const Emit& emit);
  void monotonic_resource(const typeinfo::Container& c, const Names& n, uint64_t object,
                          const Emit& emit, const Untyped& untyped);

  // Linked structures are followed at most this far beyond their recorded size: corrupt or
  // concurrently modified lists must not hang the walk.
  static constexpr uint64_t kSlack = 16;

  Reach node(const typeinfo::Container& c, KindId kind, uint64_t address) const;
  uint64_t bounded(uint64_t count) const;
  // A chain that loops (damaged or concurrently modified memory) was cut: one warning for each
  // of the first few, shown once per stop with the session's other problems.
  void cut_cycle(const char* what, uint64_t object);
  // Follows a chain of nodes linked through their first word, from `first` until null, `end`
  // (a list's header), `limit` nodes or a repeated node (then cut_cycle(what, object)); emits
  // each node as node(c, name, ·).
  void walk_chain(const typeinfo::Container& c, KindId name, uint64_t first, uint64_t end, uint64_t limit,
                  const char* what, uint64_t object, const Emit& emit);

  const MemoryImage& memory_;
  const AllocationTable& allocations_;
  typeinfo::TypeRegistry& types_;
  typeinfo::TypeErasure& erasure_;
  KindTable& kinds_;
  std::vector<Names> names_;
  struct CordKinds {
    KindId flat = kNoKind, btree = kNoKind, substring = kNoKind, crc = kNoKind,
           external = kNoKind, external_data = kNoKind;
  };
  CordKinds cord_kinds_;
  const CordKinds& cord_kinds();
  std::vector<uint8_t> names_ready_;
};

}  // namespace heapwalk::walker
