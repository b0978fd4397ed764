// NodeStates: names by priority, walks deduplicated per interpretation, trusted coverage and the
// gaps left for the conservative scan.
#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "walker/graph/node_states.h"

using heapwalk::walker::KindPriority;
using heapwalk::walker::kNoKind;
using heapwalk::walker::NodeStates;

namespace {

using Gaps = std::vector<std::pair<uint64_t, uint64_t>>;

// The gaps take_gaps reports (and whether it reported at all).
std::pair<bool, Gaps> gaps(NodeStates& states, heapwalk::walker::NodeId n, uint64_t size) {
  Gaps out;
  bool taken = states.take_gaps(n, size, [&](uint64_t b, uint64_t e) { out.push_back({b, e}); });
  return {taken, out};
}

constexpr uint64_t GiB = uint64_t{1} << 30;

}  // namespace

TEST_CASE("node states: a higher priority renames, an equal or lower one does not", "[states]") {
  NodeStates states(3);
  CHECK(states.kind(0) == kNoKind);
  CHECK(states.priority(0) == KindPriority::kNone);
  CHECK_FALSE(states.reached(0));

  CHECK(states.reach(0, 10, KindPriority::kConservative, NodeStates::kConservative));  // first
  CHECK(states.kind(0) == 10);
  CHECK_FALSE(states.reach(0, 11, KindPriority::kInterior, NodeStates::kConservative));
  CHECK(states.kind(0) == 11);
  CHECK(states.priority(0) == KindPriority::kInterior);
  states.reach(0, 12, KindPriority::kPointer, NodeStates::kTyped);
  CHECK(states.kind(0) == 12);
  states.reach(0, 13, KindPriority::kPointer, NodeStates::kTyped);  // equal: the first stays
  CHECK(states.kind(0) == 12);
  states.reach(0, 14, KindPriority::kConservative, NodeStates::kConservative);  // lower
  CHECK(states.kind(0) == 12);
  states.reach(0, kNoKind, KindPriority::kAllocator, NodeStates::kTyped);  // no name: no rename
  CHECK(states.kind(0) == 12);
  CHECK(states.priority(0) == KindPriority::kPointer);
  states.reach(0, 15, KindPriority::kAllocator, NodeStates::kTyped);
  CHECK(states.kind(0) == 15);
  CHECK(states.priority(0) == KindPriority::kAllocator);

  // Other nodes are untouched.
  CHECK(states.kind(1) == kNoKind);
  CHECK_FALSE(states.reached(1));
  CHECK_FALSE(states.reached(2));
}

TEST_CASE("node states: typed wins over conservative, in either order", "[states]") {
  NodeStates states(2);
  states.reach(0, 1, KindPriority::kConservative, NodeStates::kConservative);
  CHECK(states.flags(0) == NodeStates::kConservative);
  CHECK_FALSE(states.typed(0));
  states.reach(0, 2, KindPriority::kPointer, NodeStates::kTyped);
  CHECK(states.flags(0) == NodeStates::kTyped);  // no longer conservative-only
  CHECK(states.typed(0));

  CHECK(states.reach(1, 2, KindPriority::kPointer, NodeStates::kTyped));
  CHECK_FALSE(states.reach(1, 1, KindPriority::kConservative, NodeStates::kConservative));
  CHECK(states.flags(1) == NodeStates::kTyped);
  CHECK(states.reached(1));
}

TEST_CASE("node states: each interpretation (offset, layout, object or array) is walked once",
          "[states]") {
  NodeStates states(2);
  CHECK(states.first_walk(0, 0, 7, false));
  CHECK_FALSE(states.first_walk(0, 0, 7, false));
  CHECK(states.first_walk(0, 0, 7, true));   // the same type as an array
  CHECK(states.first_walk(0, 0, 8, false));  // another type
  CHECK(states.first_walk(0, 8, 7, false));  // another offset
  CHECK_FALSE(states.first_walk(0, 0, 7, true));
  CHECK_FALSE(states.first_walk(0, 0, 8, false));
  CHECK_FALSE(states.first_walk(0, 8, 7, false));
  // Offsets past what is kept inline (15 bits), including the bit pattern of "none".
  for (uint64_t offset : {uint64_t{0x7fff}, uint64_t{0x8000}, uint64_t{0xffff}, 5 * GiB}) {
    INFO("offset " << offset);
    CHECK(states.first_walk(0, offset, 7, true));
    CHECK_FALSE(states.first_walk(0, offset, 7, true));
    CHECK(states.first_walk(0, offset, 7, false));
    CHECK_FALSE(states.first_walk(0, offset, 7, false));
  }
  // Node 1's first walk is at a large offset: its inline slot stays free for the next one.
  CHECK(states.first_walk(1, 0x7fff, 3, true));
  CHECK(states.first_walk(1, 0, 3, false));
  CHECK_FALSE(states.first_walk(1, 0x7fff, 3, true));
  CHECK_FALSE(states.first_walk(1, 0, 3, false));
  CHECK(states.first_walk(1, 0, 7, false));  // node 0's interpretation is not node 1's
}

TEST_CASE("node states: gaps without coverage, inline coverage, once per node", "[states]") {
  NodeStates states(3);
  // Nothing covered: the whole block.
  CHECK(gaps(states, 0, 100) == std::pair<bool, Gaps>{true, {{0, 100}}});
  CHECK(states.gaps_scanned(0));
  CHECK(gaps(states, 0, 100) == std::pair<bool, Gaps>{false, {}});  // done before

  states.cover(1, 0, 32);  // sizeof(T) of an exact-fit chunk: the slack remains
  CHECK(gaps(states, 1, 40) == std::pair<bool, Gaps>{true, {{32, 40}}});

  states.cover(2, 0, 16);
  states.cover(2, 8, 24);   // overlapping, extends the inline prefix
  states.cover(2, 24, 30);  // adjacent
  states.cover(2, 5, 5);    // empty: ignored
  CHECK(gaps(states, 2, 30) == std::pair<bool, Gaps>{true, {}});
}

TEST_CASE("node states: coverage away from the start, overlapping, unsorted", "[states]") {
  NodeStates states(2);
  states.cover(0, 48, 64);  // not from the start: the side table
  states.cover(0, 16, 32);
  states.cover(0, 56, 72);  // overlaps [48, 64)
  states.cover(0, 0, 8);
  CHECK(gaps(states, 0, 100) ==
        std::pair<bool, Gaps>{true, {{8, 16}, {32, 48}, {72, 100}}});

  // Coverage past the allocation's end is clipped to it.
  states.cover(1, 0, 16);
  states.cover(1, 24, 200);
  CHECK(gaps(states, 1, 64) == std::pair<bool, Gaps>{true, {{16, 24}}});
}

TEST_CASE("node states: coverage beyond 4 GiB offsets", "[states]") {
  NodeStates states(3);
  states.cover(0, 0, 5 * GiB);  // past the inline 32-bit end
  CHECK(gaps(states, 0, 6 * GiB) == std::pair<bool, Gaps>{true, {{5 * GiB, 6 * GiB}}});

  states.cover(1, 0, 64);
  states.cover(1, 4 * GiB + 16, 4 * GiB + 32);
  states.cover(1, 32, 4 * GiB);  // starts inside the inline prefix, ends past 32 bits
  CHECK(gaps(states, 1, 5 * GiB) ==
        std::pair<bool, Gaps>{true, {{4 * GiB, 4 * GiB + 16}, {4 * GiB + 32, 5 * GiB}}});

  states.cover(2, 0, 0xffffffffu);  // the largest 32-bit end is not representable inline
  CHECK(gaps(states, 2, 0x100000000u) ==
        std::pair<bool, Gaps>{true, {{0xffffffffu, 0x100000000u}}});
}
