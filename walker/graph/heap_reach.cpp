#include "walker/graph/heap_reach.h"

#include "walker/progress.h"

namespace heapwalk::walker {

HeapReach::HeapReach(const WalkContext& context, ReachOptions options)
    : context_(context),
      options_(options),
      states_(context.allocations.size()),
      walk_(context, states_, options.follow_weak),
      scan_(context.memory, context.allocations, [this](NodeId n) { hit(n); }),
      conservative_kind_(context.kinds.intern("<conservative>")) {
  if (options_.conservative) {
    // Untyped members are scanned at once rather than queued (a queue could hold a range per
    // object): a hit only marks its allocation; what would follow from it (scanning all of it)
    // waits until the typed walk is done, so typed edges still name and bound what they reach.
    walk_.set_untyped_sink([this](uint64_t begin, uint64_t end) {
      scan_.set_source(walk_.source());
      scan_.scan(begin, end, {});
    });
    walk_.set_first_reach([this](NodeId) { fresh_ = true; });
    walk_.set_track_coverage(true);
  }
}

void HeapReach::record_edges(EdgeSink sink) {
  walk_.set_edge_sink(sink);
  scan_.set_edge_sink(std::move(sink));
}

void HeapReach::add_typed_root(uint64_t address, typeinfo::LayoutId layout, uint32_t root_label) {
  walk_.set_root_label(root_label);
  walk_.add_root(address, layout);
}

void HeapReach::add_root(const Root& root, uint32_t root_label) {
  add_typed_root(root.address, context_.types.intern(root.type), root_label);
  if (root.opaque_bytes) add_range(root.address, root.address + root.opaque_bytes, root_label);
}

void HeapReach::add_range(uint64_t begin, uint64_t end, uint32_t root_label) {
  if (options_.conservative) scan_.queue(begin, end, root_label);
}

void HeapReach::add_word(uint64_t value, uint32_t root_label) {
  if (!options_.conservative) return;
  scan_.set_source(EdgeSource{kRootNode, 0, root_label});
  scan_.word(value);
}

void HeapReach::hit(NodeId node) {
  if (states_.reached(node)) return;
  // A polymorphic object names itself through its vptr: walk it typed from here.
  if (walk_.follow_vtable(node)) return;
  states_.reach(node, conservative_kind_, KindPriority::kConservative, NodeStates::kConservative);
  fresh_ = true;
}

// A pass over all nodes rather than a list of new ones, scanning as it goes rather than
// queueing: a few passes cost less than lists that can hold every allocation.
bool HeapReach::scan_gaps(const std::function<bool()>& interrupted) {
  if (!fresh_) return true;
  fresh_ = false;
  const AllocationTable& table = context_.allocations;
  bool ok = true;
  for (NodeId n = 0; n < states_.size() && ok; ++n) {
    if (!states_.reached(n) || states_.gaps_scanned(n)) continue;
    uint64_t start = table.address(n);
    scan_.set_source(EdgeSource{n + 1, start, 0});
    states_.take_gaps(n, table.usable_size(n), [&](uint64_t begin, uint64_t end) {
      // Most gaps are a few bytes of malloc slack that hold no aligned word.
      if (((start + begin + 7) & ~uint64_t{7}) + 8 <= start + end)
        ok = ok && scan_.scan(start + begin, start + end, interrupted);
    });
    if (table.unit(n)) link_closed_block(n);
  }
  return ok;
}

// A block its allocator frees as one (SubBlock::closed): its head reaches each of its units, a
// unit reaches the head (conservative edges, as the words of the uncarved chunk were).
void HeapReach::link_closed_block(NodeId n) {
  const AllocationTable& table = context_.allocations;
  const SubBlock* sub = table.parent(n);
  if (!sub || !sub->closed) return;
  if (table.address(n) != sub->address) return scan_.word(sub->address);
  for (NodeId m = n + 1; m < table.size() && table.address(m) < sub->address + sub->usable; ++m)
    scan_.word(table.address(m));
}

std::optional<Reachability> HeapReach::run(const std::function<bool()>& stop,
                                           bool with_kinds) {
  // Where the walk asks whether to stop, it also says how far it is.
  std::function<bool()> interrupted = [&] {
    progress().update("walk", states_.reached_count(), states_.size());
    return stop && stop();
  };
  // Typed first: what a typed edge reaches gets its name and its exact extent before any
  // stray word can claim it.
  while (true) {
    if (!walk_.run(interrupted)) return std::nullopt;
    if (!scan_.drain(interrupted)) return std::nullopt;  // untyped members and roots
    if (!walk_.idle()) continue;  // vtables found: typed first
    if (!fresh_) break;
    if (!scan_gaps(interrupted)) return std::nullopt;
  }
  progress() = {};
  Reachability result;
  result.flags.resize(states_.size());
  for (NodeId n = 0; n < result.flags.size(); ++n) {
    result.flags[n] = states_.flags(n);
    if (states_.reached(n) && context_.kinds.scalar_array(states_.kind(n)))
      result.flags[n] |= Reachability::kScalarArray;
  }
  if (with_kinds) {
    result.kinds = states_.take_kinds();
    for (NodeId n = 0; n < result.flags.size(); ++n)
      if (!result.reached(n)) result.kinds[n] = kNoKind;
    // A unit whose allocator rule names it (a bump region's used bytes).
    if (!context_.allocations.unit_kinds.empty())
      for (NodeId n = 0; n < result.flags.size(); ++n)
        if (result.reached(n))
          if (const std::string* kind = context_.allocations.declared_kind(n))
            result.kinds[n] = context_.kinds.intern(*kind);
  }
  result.words_scanned = scan_.words_scanned();
  result.objects_walked = walk_.objects_walked();
  return result;
}

}  // namespace heapwalk::walker
