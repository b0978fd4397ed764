// The linked structures of ContainerWalk: chains followed one node at a time (std::list,
// forward_list, hash chains, Boost.Unordered's chain, Boost.Intrusive lists and trees), each cut
// at its first repeated node with a warning, and bounded by the allocations that exist.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "walker/graph/container_walk.h"

namespace heapwalk::walker {

using typeinfo::Container;
using typeinfo::ContainerKind;

namespace {
// Brent's cycle detection for a singly followed chain, in constant memory: seen(p) is true once
// p repeats an address met before, at most about twice the cycle's length after entering it. A
// cyclic chain is then cut there instead of being followed up to its bound.
class CycleCut {
 public:
  bool seen(uint64_t p) {
    if (p == saved_) return looped_ = true;
    if (++steps_ == power_) {
      saved_ = p;
      power_ *= 2;
      steps_ = 0;
    }
    return false;
  }

 private:
  uint64_t saved_ = 0, power_ = 1, steps_ = 0;
  bool looped_ = false;

 public:
  bool looped() const { return looped_; }
};
}  // namespace

void ContainerWalk::cut_cycle(const char* what, uint64_t object) {
  constexpr std::string_view kLoops = "loops back on itself";
  constexpr size_t kListed = 5;
  const auto& problems = types_.problems();
  size_t listed = std::count_if(problems.begin(), problems.end(), [&](const std::string& p) {
    return p.find(kLoops) != std::string::npos;
  });
  std::string line =
      listed < kListed
          ? fmt::format("{} at 0x{:x} {}: walked up to the loop, the rest cut", what, object,
                        kLoops)
          : fmt::format("more container chains that {} were cut (not listed)", kLoops);
  if (listed > kListed || std::find(problems.begin(), problems.end(), line) != problems.end())
    return;
  types_.add_problem(std::move(line));
}

void ContainerWalk::walk_chain(const Container& c, KindId name, uint64_t first, uint64_t end,
                               uint64_t limit, const char* what, uint64_t object,
                               const Emit& emit) {
  CycleCut cycle;
  uint64_t next = first;
  for (uint64_t seen = 0; next && next != end && seen < limit && !cycle.seen(next); ++seen) {
    emit(node(c, name, next));
    next = memory_.word(next);
  }
  if (cycle.looped()) cut_cycle(what, object);
}

void ContainerWalk::hashtable(const Container& c, const Names& n, uint64_t object,
                              const Emit& emit) {
  uint64_t bucket_count = memory_.word(object + c.field[1]);
  if (uint64_t buckets = memory_.word(object + c.field[0]))
    emit(owned_block(buckets, typeinfo::kNoLayout, n.secondary, 0, bucket_count * 8));
  uint64_t count = memory_.word(object + c.field[3]);
  walk_chain(c, n.buffer, memory_.word(object + c.field[2]), 0, bounded(count),
             "a hash table's node chain", object, emit);
}

// Boost.Unordered 1.74 (typeinfo/boost_unordered.h): bucket_count + 1 buckets, the last one's
// next_ the first node of the one chain through every node.
void ContainerWalk::boost_unordered(const Container& c, const Names& n, uint64_t object,
                                    const Emit& emit) {
  uint64_t buckets = memory_.word(object + c.field[0]);
  uint64_t bucket_count = memory_.word(object + c.field[1]);
  if (buckets == 0 || bucket_count == 0 || bucket_count > (uint64_t{1} << 40)) return;
  emit(owned_block(buckets, typeinfo::kNoLayout, n.secondary, 0, (bucket_count + 1) * 8));
  uint64_t count = memory_.word(object + c.field[2]);
  walk_chain(c, n.buffer, memory_.word(buckets + bucket_count * 8), 0, bounded(count),
             "a Boost.Unordered node chain", object, emit);
}

// Boost.Intrusive (typeinfo/boost_intrusive.h): each node is a hook inside an object, which is
// what the container holds and names (it beats a typed pointer to the hook's node).
void ContainerWalk::boost_intrusive(const Container& c, uint64_t object, const Emit& emit) {
  const uint64_t header = object + c.field[0];
  auto held = [&](uint64_t node) {
    if (node < c.value_offset) return;
    Reach r = typed_pointer(node - c.value_offset, c.element);
    r.priority = KindPriority::kOwner;
    emit(r);
  };
  const uint64_t limit = bounded(UINT64_MAX);  // allocations + slack: no size is recorded
  if (c.kind == ContainerKind::kBoostIntrusiveList) {
    uint64_t next = memory_.word(header + c.field[1]);
    CycleCut cycle;
    for (uint64_t seen = 0; next && next != header && seen < limit && !cycle.seen(next); ++seen) {
      held(next);
      next = memory_.word(next + c.field[1]);
    }
    if (cycle.looped()) cut_cycle("a Boost.Intrusive list", object);
    return;
  }
  uint64_t root = memory_.word(header + c.field[1]) & ~uint64_t{1};  // compact nodes: colour bit
  if (root == 0 || root == header) return;
  std::vector<uint64_t> stack{root};
  for (uint64_t seen = 0; !stack.empty() && seen < limit && stack.size() <= limit; ++seen) {
    uint64_t node = stack.back();
    stack.pop_back();
    held(node);
    for (uint32_t child : {c.field[2], c.field[3]})
      if (uint64_t next = memory_.word(node + child); next && next != header) stack.push_back(next);
  }
}

void ContainerWalk::list(const Container& c, const Names& n, uint64_t object, const Emit& emit) {
  uint64_t header = object + c.field[0];
  uint64_t size = memory_.word(object + c.field[1]);
  walk_chain(c, n.buffer, memory_.word(header), header, bounded(size), "a std::list", object,
             emit);
}

void ContainerWalk::forward_list(const Container& c, const Names& n, uint64_t object,
                                 const Emit& emit) {
  // No size is stored: the allocation count bounds any honest list.
  walk_chain(c, n.buffer, memory_.word(object + c.field[0]), 0, allocations_.size() + 1,
             "a std::forward_list", object, emit);
}

}  // namespace heapwalk::walker
