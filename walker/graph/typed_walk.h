// The typed walk: from roots, through compiled layouts and container recognizers, over raw
// memory. Iterative (an explicit stack), each allocation walked once per interpretation.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_set>
#include <vector>

#include "typeinfo/dynamic_types.h"
#include "typeinfo/type_registry.h"
#include "walker/malloc/allocation_table.h"
#include "walker/graph/container_walk.h"
#include "walker/graph/kinds.h"
#include "walker/memory/memory_image.h"
#include "walker/graph/reach.h"

namespace heapwalk::walker {

class TypedWalk {
 public:
  TypedWalk(const MemoryImage& memory, const AllocationTable& allocations,
            typeinfo::TypeRegistry& types, typeinfo::DynamicTypes& dynamic, KindTable& kinds);

  // An object in place: a global variable, or one reached by a root expression.
  void add_root(uint64_t address, typeinfo::LayoutId layout);

  // Walks everything reachable from the roots. Returns false when interrupted.
  bool run(const std::function<bool()>& interrupted = {});

  // Where the types cannot say what a word is (void* members, unions, raw char storage),
  // the walk hands the bytes [begin, end) to this sink for a conservative scan. Unset: skipped.
  using UntypedSink = std::function<void(uint64_t begin, uint64_t end)>;
  void set_untyped_sink(UntypedSink sink) { untyped_sink_ = std::move(sink); }

  // A typed pointer to `address` of (static) type `layout`, as if a walked object held it.
  void follow_pointer(uint64_t address, typeinfo::LayoutId layout);

  // Per allocation: its kind, or kNoKind when the walk did not reach it.
  const std::vector<KindId>& kinds() const { return kind_; }
  uint64_t objects_walked() const { return objects_walked_; }

 private:
  struct Work {
    uint64_t at;
    typeinfo::LayoutId layout;
    uint64_t count;
  };
  enum WalkedAs : uint8_t { kAsObject = 1, kAsArray = 2 };

  void follow(const Reach& reach);
  void walk_object(uint64_t at, typeinfo::LayoutId id);
  void push(uint64_t at, typeinfo::LayoutId layout, uint64_t count);
  KindId kind_of_layout(typeinfo::LayoutId id);

  const MemoryImage& memory_;
  const AllocationTable& allocations_;
  typeinfo::TypeRegistry& types_;
  typeinfo::DynamicTypes& dynamic_;
  KindTable& kinds_;
  ContainerWalk containers_;
  ContainerWalk::Emit emit_;
  UntypedSink untyped_sink_;

  std::vector<Work> stack_;
  std::vector<KindId> kind_;
  std::vector<uint8_t> priority_;
  std::vector<uint8_t> walked_;
  std::vector<KindId> layout_kind_;
  // Objects outside the heap (globals, statics) that were walked, by address and layout.
  struct PlaceHash {
    size_t operator()(const std::pair<uint64_t, typeinfo::LayoutId>& p) const {
      return std::hash<uint64_t>()(p.first * 0x9e3779b97f4a7c15ull ^ p.second);
    }
  };
  std::unordered_set<std::pair<uint64_t, typeinfo::LayoutId>, PlaceHash> static_seen_;
  uint64_t objects_walked_ = 0;
};

}  // namespace heapwalk::walker
