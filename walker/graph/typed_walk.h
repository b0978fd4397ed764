// The typed walk: from typed roots, through compiled layouts and container recognizers, over raw
// memory. Iterative (an explicit stack). An allocation is walked once per interpretation (offset,
// type, object or array), so every type that reaches it adds its edges. What a trusted type
// explains is recorded per allocation; everything else is left to the conservative scan.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>
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
  // A static object walked through a pointer (not as a root) gets a root label of its own, from
  // `first` on (the roots' labels are below), and every pointer to it goes to `sink`: so a
  // reach from some roots' labels knows which of them reach it, also through the heap or when
  // it lies outside every root (libc's FILEs). Call before adding roots. Without it, such an
  // object's edges carry the label of the root it lies in, else of the root whose walk reached
  // it first.
  using StaticRefSink =
      std::function<void(GraphNode from, uint32_t where, uint32_t unit, EdgeProvenance)>;
  void label_static_objects(uint32_t first, StaticRefSink sink) {
    unit_base_ = first;
    static_ref_sink_ = std::move(sink);
  }
  // For each static object's label (from `first` on), the root label whose name it goes by:
  // the root it lies in, else the root whose walk reached it first.
  const std::vector<uint32_t>& static_object_names() const { return unit_name_; }
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
    uint32_t label : 31;   // the root label (or static object's) whose walk pushed it
    uint32_t trusted : 1;  // the type is known to be right: its coverage counts
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
  void push(uint64_t at, typeinfo::LayoutId layout, uint64_t count, bool trusted, uint32_t label);
  void follow_static(const Reach& reach, bool trusted, uint64_t count);
  uint32_t root_label_at(uint64_t at, uint32_t otherwise);
  void untyped(uint64_t begin, uint64_t end);
  bool in_malloc_memory(uint64_t address) const;
  KindId kind_of_layout(typeinfo::LayoutId id);
  KindId kind_of_array(typeinfo::LayoutId id);
  void record_edge(const Reach& reach);
  void set_source(uint64_t at);  // for an object of the walk labelled work_label_

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
  uint32_t work_label_ = 0;  // the label of what is being walked (a root's, a static object's)
  static constexpr uint32_t kNoUnits = UINT32_MAX;
  uint32_t unit_base_ = kNoUnits;  // labels from here on are static objects (when set)
  std::vector<uint32_t> unit_name_;
  StaticRefSink static_ref_sink_;
  bool recording_ = true;  // off while following a vptr the conservative scan found
  std::vector<RootExtent> root_extents_;
  bool root_extents_sorted_ = true;

  std::vector<Work> stack_;
  std::vector<KindId> layout_kind_, array_kind_;
  // Objects outside the heap (globals, statics, stack objects) walked, by address and layout,
  // with their label (kNoUnits when they have none of their own).
  struct PlaceHash {
    size_t operator()(const std::pair<uint64_t, typeinfo::LayoutId>& p) const {
      return std::hash<uint64_t>()(p.first * 0x9e3779b97f4a7c15ull ^ p.second);
    }
  };
  std::unordered_map<std::pair<uint64_t, typeinfo::LayoutId>, uint32_t, PlaceHash> static_seen_;
  uint64_t objects_walked_ = 0;
};

}  // namespace heapwalk::walker
