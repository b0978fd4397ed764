#include "walker/graph/heap_reach.h"

namespace heapwalk::walker {

HeapReach::HeapReach(const WalkContext& context, ReachOptions options)
    : context_(context),
      options_(options),
      states_(context.allocations.size()),
      walk_(context, states_, options.follow_weak),
      scan_(context.memory, context.allocations, [this](NodeId n) { hit(n); }),
      conservative_kind_(context.kinds.intern("<conservative>")) {
  if (options_.conservative) {
    walk_.set_untyped_sink([this](uint64_t begin, uint64_t end) { scan_.queue(begin, end); });
    walk_.set_first_reach([this](NodeId n) { fresh_.push_back(n); });
  }
}

void HeapReach::add_typed_root(uint64_t address, typeinfo::LayoutId layout) {
  walk_.add_root(address, layout);
}

void HeapReach::add_range(uint64_t begin, uint64_t end) {
  if (options_.conservative) scan_.queue(begin, end);
}

void HeapReach::add_word(uint64_t value) {
  if (options_.conservative) scan_.word(value);
}

void HeapReach::hit(NodeId node) {
  if (states_.reached(node)) return;
  // A polymorphic object names itself through its vptr: walk it typed from here.
  if (walk_.follow_vtable(node)) return;
  states_.reach(node, conservative_kind_, KindPriority::kConservative, NodeStates::kConservative);
  fresh_.push_back(node);
}

void HeapReach::scan_gaps() {
  const AllocationTable& table = context_.allocations;
  std::vector<NodeId> fresh;
  fresh.swap(fresh_);
  for (NodeId n : fresh) {
    uint64_t start = table.address(n);
    states_.take_gaps(n, table.usable_size(n),
                      [&](uint64_t begin, uint64_t end) { scan_.queue(start + begin, start + end); });
  }
}

std::optional<Reachability> HeapReach::run(const std::function<bool()>& interrupted) {
  // Typed first: what a typed edge reaches gets its name and its exact extent before any
  // stray word can claim it.
  while (true) {
    if (!walk_.run(interrupted)) return std::nullopt;
    scan_gaps();
    if (scan_.empty()) break;
    if (!scan_.drain(interrupted)) return std::nullopt;
    if (walk_.idle() && fresh_.empty()) break;
  }
  Reachability result;
  result.kinds = states_.kinds();
  result.flags.resize(context_.allocations.size());
  for (NodeId n = 0; n < result.flags.size(); ++n) {
    result.flags[n] = states_.flags(n);
    if (!result.reached(n)) result.kinds[n] = kNoKind;
  }
  result.words_scanned = scan_.words_scanned();
  result.objects_walked = walk_.objects_walked();
  return result;
}

}  // namespace heapwalk::walker
