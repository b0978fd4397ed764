// The typed walk: from typed roots, through compiled layouts and container recognizers, over raw
// memory. Iterative (an explicit stack). An allocation is walked once per interpretation (offset,
// type, object or array), so every type that reaches it adds its edges. What a trusted type
// explains is recorded per allocation; everything else is left to the conservative scan.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_set>
#include <vector>

#include "typeinfo/dynamic_types.h"
#include "typeinfo/type_erasure.h"
#include "typeinfo/type_registry.h"
#include "walker/graph/container_walk.h"
#include "walker/graph/heap_graph.h"
#include "walker/graph/kinds.h"
#include "walker/graph/node_states.h"
#include "walker/graph/reach.h"
#include "walker/malloc/allocation_table.h"
#include "walker/malloc/malloc_heap.h"
#include "walker/memory/memory_image.h"

namespace heapwalk::walker {

struct WalkContext {
  const MemoryImage& memory;
  const AllocationTable& allocations;
  typeinfo::TypeRegistry& types;
  typeinfo::DynamicTypes& dynamic;
  typeinfo::TypeErasure& erasure;
  KindTable& kinds;
  // Memory malloc owns (arena heaps), sorted: a typed pointer there that lands in no allocation
  // points at a free chunk or a header, which must not be walked as an object. Null: unknown.
  const std::vector<HeapRange>* malloc_memory = nullptr;
};

class TypedWalk {
 public:
  // Bytes no type explains, for the conservative scan.
  using UntypedSink = std::function<void(uint64_t begin, uint64_t end)>;
  // An allocation reached for the first time.
  using FirstReach = std::function<void(NodeId node)>;

  TypedWalk(const WalkContext& context, NodeStates& states, bool follow_weak);
  void set_untyped_sink(UntypedSink sink) { untyped_sink_ = std::move(sink); }
  void set_first_reach(FirstReach hook) { first_reach_ = std::move(hook); }
  // Record what trusted types explain (only the conservative scan needs it).
  void set_track_coverage(bool track) { track_coverage_ = track; }
  // Every typed or weak edge the walk meets, reached before or not (a heap graph's builder).
  void set_edge_sink(EdgeSink sink) { edge_sink_ = std::move(sink); }
  // An array allocation reached by an owner that knows exactly how many elements it holds
  // there (a vector's size, new T[n]'s cookie, a recognizer's count), under the kind it names.
  using CountSink = std::function<void(NodeId node, KindId kind, uint64_t count)>;
  void set_count_sink(CountSink sink) { count_sink_ = std::move(sink); }
  // The root label of the roots added from now on (an index into the graph's root labels).
  void set_root_label(uint32_t label) { root_label_ = label; }
  // Where the object being walked lies: its untyped bytes' edges start there.
  const EdgeSource& source() const { return source_; }

  // An object in place of type `layout`: a global, a local, what a root expression names.
  void add_root(uint64_t address, typeinfo::LayoutId layout);
  // A typed pointer to `address`, as if a trusted object held it.
  void follow_pointer(uint64_t address, typeinfo::LayoutId layout);
  // An allocation found by the conservative scan whose first word is a vptr: typed from there.
  // False when the word is not a vptr of a type that fits.
  bool follow_vtable(NodeId node);

  // Walks everything queued. Returns false when interrupted.
  bool run(const std::function<bool()>& interrupted = {});
  bool idle() const { return stack_.empty(); }
  // Which type each kind the walk named is (by KindId).
  std::vector<KindLayout> kind_layouts();
  uint64_t objects_walked() const { return objects_walked_; }

 private:
  struct Work {  // 24 bytes
    uint64_t at;
    uint64_t count;
    typeinfo::LayoutId layout;
    bool trusted;  // the type is known to be right: its coverage counts
  };
  // How one reach reads the allocation it lands in.
  struct Reading {
    uint64_t walk_at = 0;
    typeinfo::LayoutId layout = typeinfo::kNoLayout;
    uint64_t count = 1;
    KindId kind = kNoKind;
    KindPriority priority = KindPriority::kNone;
    uint64_t cover_begin = 0;     // [cover_begin, cover_end) explained, when trusted
    uint64_t cover_end = 0;
    bool trusted = false;         // what it reaches inherits this
    bool conservative = false;    // the allocation's own type is unknown (interior pointer)
    bool counted = false;         // count is exactly the elements its owner holds
  };

  void follow(const Reach& reach, bool trusted);
  Reading read_allocation(const Reach& reach, NodeId node, bool trusted);
  Reach enclosing(const Reach& reach, NodeId node);
  bool read_vtable_at_start(NodeId node, Reading& reading);
  bool read_cookie_array(NodeId node, typeinfo::LayoutId layout, bool trusted, Reading& reading);
  void walk_object(uint64_t at, typeinfo::LayoutId id, bool trusted);
  void push(uint64_t at, typeinfo::LayoutId layout, uint64_t count, bool trusted);
  void untyped(uint64_t begin, uint64_t end);
  bool in_malloc_memory(uint64_t address) const;
  KindId kind_of_layout(typeinfo::LayoutId id);
  KindId kind_of_array(typeinfo::LayoutId id);
  void record_edge(const Reach& reach);
  void set_source(uint64_t at);

  WalkContext context_;
  const MemoryImage& memory_;
  const AllocationTable& allocations_;
  typeinfo::TypeRegistry& types_;
  NodeStates& states_;
  ContainerWalk containers_;
  bool follow_weak_;
  bool track_coverage_ = false;
  KindId conservative_kind_;
  UntypedSink untyped_sink_;
  FirstReach first_reach_;

  // Edges (only with a sink): the object being walked, the offset of the slot being read, the
  // roots' extents (a static object is labelled by the root it lies in).
  struct RootExtent {
    uint64_t begin, end;
    uint32_t label;
  };
  EdgeSink edge_sink_;
  CountSink count_sink_;
  EdgeSource source_;
  uint32_t where_ = 0;
  uint32_t root_label_ = 0;
  bool recording_ = true;  // off while following a vptr the conservative scan found
  std::vector<RootExtent> root_extents_;
  bool root_extents_sorted_ = true;

  std::vector<Work> stack_;
  std::vector<KindId> layout_kind_, array_kind_;
  // Objects outside the heap (globals, statics, stack objects) walked, by address and layout.
  struct PlaceHash {
    size_t operator()(const std::pair<uint64_t, typeinfo::LayoutId>& p) const {
      return std::hash<uint64_t>()(p.first * 0x9e3779b97f4a7c15ull ^ p.second);
    }
  };
  std::unordered_set<std::pair<uint64_t, typeinfo::LayoutId>, PlaceHash> static_seen_;
  uint64_t objects_walked_ = 0;
};

}  // namespace heapwalk::walker
