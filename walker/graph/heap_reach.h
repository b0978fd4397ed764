// Everything reachable from a set of roots: the typed walk first, so that types name what they
// reach, then the conservative scan of every byte no trusted type explains (untyped members,
// slack, allocations reached only conservatively, stacks and other untyped roots), and again
// until nothing new is found. A wrong or missing type can cost a name, never reachability.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "walker/graph/conservative_scan.h"
#include "walker/graph/node_states.h"
#include "walker/graph/typed_walk.h"
#include "walker/roots/roots.h"

namespace heapwalk::walker {

struct ReachOptions {
  bool conservative = true;  // false: follow typed edges only (heap partition --typed-only)
  bool follow_weak = true;   // false: weak_ptr edges keep nothing alive (partitions)
};

struct Reachability {
  static constexpr uint8_t kScalarArray = 8;  // flags: its kind is a buffer of numbers
  std::vector<KindId> kinds;   // per allocation: its name (kNoKind: unreached); empty unless asked
  std::vector<uint8_t> flags;  // per allocation: NodeStates::Flag bits, kScalarArray
  uint64_t words_scanned = 0, objects_walked = 0;

  bool reached(NodeId n) const { return flags[n] & (NodeStates::kTyped | NodeStates::kConservative); }
  // Reached at its start by a typed edge, or named by its own vtable.
  bool typed(NodeId n) const { return flags[n] & NodeStates::kTyped; }
  bool scalar_array(NodeId n) const { return flags[n] & kScalarArray; }
};

class HeapReach {
 public:
  HeapReach(const WalkContext& context, ReachOptions options = {});

  // Every edge found (typed, weak, conservative), reached before or not, goes to `sink`: what
  // builds a HeapGraph. Call before adding roots. Root labels are the indexes given below.
  void record_edges(EdgeSink sink);
  // The element counts owners know for array allocations (TypedWalk::set_count_sink).
  void record_counts(TypedWalk::CountSink sink) { walk_.set_count_sink(std::move(sink)); }
  // Static objects walked through a pointer get labels of their own (TypedWalk::
  // label_static_objects). Call before adding roots.
  void label_static_objects(uint32_t first, TypedWalk::StaticRefSink sink) {
    walk_.label_static_objects(first, std::move(sink));
  }
  const std::vector<uint32_t>& static_object_names() const { return walk_.static_object_names(); }

  void add_typed_root(uint64_t address, typeinfo::LayoutId layout, uint32_t root_label = 0);
  // A root variable: typed, and its bytes scanned when its type has no definition.
  void add_root(const Root& root, uint32_t root_label = 0);
  void add_range(uint64_t begin, uint64_t end, uint32_t root_label = 0);  // scanned conservatively
  void add_word(uint64_t value, uint32_t root_label = 0);                 // a register
  // Walks the allocation typed by the vtable at its start, at once (a leaked object, to name
  // what it holds: walking each before the next keeps the walk's stack short).
  bool walk_vtable_object(NodeId node, const std::function<bool()>& interrupted = {}) {
    return walk_.follow_vtable(node) && walk_.run(interrupted);
  }

  // After run(): the type behind each kind (to label edges).
  std::vector<KindLayout> kind_layouts() { return walk_.kind_layouts(); }

  // nullopt when interrupted. Once only: the result takes the walk's tables. Without
  // `with_kinds`, the result holds flags only (a byte per allocation).
  std::optional<Reachability> run(const std::function<bool()>& interrupted = {},
                                  bool with_kinds = true);

 private:
  void hit(NodeId node);
  bool scan_gaps(const std::function<bool()>& interrupted);
  void link_closed_block(NodeId n);

  WalkContext context_;
  ReachOptions options_;
  NodeStates states_;
  TypedWalk walk_;
  ConservativeScan scan_;
  bool fresh_ = false;  // something was reached since unexplained bytes were last queued
  KindId conservative_kind_;
};

}  // namespace heapwalk::walker
