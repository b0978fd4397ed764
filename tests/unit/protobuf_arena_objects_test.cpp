// accept_found (walker/protobuf_arena_objects.h): which objects the arena's typed walk found
// become units, around the objects the cleanup nodes name.
#include <catch2/catch.hpp>

#include "walker/protobuf_arena_objects.h"

using heapwalk::walker::accept_found;
using heapwalk::walker::ArenaObject;
using heapwalk::walker::ArenaSpan;

namespace {

std::vector<uint64_t> addresses(const std::vector<ArenaObject>& objects) {
  std::vector<uint64_t> out;
  for (const ArenaObject& o : objects) out.push_back(o.address);
  return out;
}

}  // namespace

TEST_CASE("arena objects: found objects fill stretches and enclose whole objects", "[arena]") {
  // One block's objects in [0x1000, 0x1400); cleanup objects: a Node at 0x1000 (0x80 bytes), the
  // two strings of a map node at 0x1100 and 0x1120.
  const std::vector<ArenaSpan> spans = {{0x1000, 0x1400}, {0x2000, 0x2100}};
  std::vector<std::vector<ArenaObject>> known = {
      {{0x1120, 0x20, "std::string"}, {0x1000, 0x80, "Node"}, {0x1100, 0x20, "std::string"}}, {}};
  const std::vector<ArenaObject> found = {
      {0x1080, 0x28, "Point"},           // in the stretch after the Node: accepted
      {0x1100, 0x48, "map node"},        // around both strings: accepted
      {0x1000, 0x80, "Node"},            // the Node itself, reached again: no second object
      {0x1040, 0x10, "member"},          // inside the Node: a member, left out
      {0x1078, 0x10, "across"},          // through the Node's end: left out
      {0x1118, 0x10, "through"},         // through a string and the map node: left out
      {0x10a0, 0x20, "late"},            // overlaps the Point found before it: left out
      {0x1200, 0x18, "int[]"},           // accepted
      {0x13f8, 0x10, "past the end"},    // out of its span: left out
      {0x2000, 0x100, "buckets"},        // the whole second span: accepted
      {0x3000, 0x8, "elsewhere"},        // in no span
  };
  auto accepted = accept_found(spans, known, found);
  REQUIRE(accepted.size() == 2);
  CHECK(addresses(accepted[0]) == std::vector<uint64_t>{0x1080, 0x1100, 0x1200});
  CHECK(accepted[0][1].kind == "map node");
  CHECK(addresses(accepted[1]) == std::vector<uint64_t>{0x2000});
  // The known objects come back sorted by address.
  CHECK(addresses(known[0]) == std::vector<uint64_t>{0x1000, 0x1100, 0x1120});
}

TEST_CASE("arena objects: a known object nested in an earlier one still blocks", "[arena]") {
  // A message at 0x1000 (0x100 bytes) holding a string member at 0x1080 that has a cleanup node
  // of its own: a found object from 0x1090 is inside the message, though after the string.
  const std::vector<ArenaSpan> spans = {{0x1000, 0x1200}};
  std::vector<std::vector<ArenaObject>> known = {
      {{0x1000, 0x100, "Message"}, {0x1080, 0x20, "std::string"}}};
  auto accepted = accept_found(spans, known, {{0x10a0, 0x10, "inside"}, {0x1100, 0x10, "after"}});
  CHECK(addresses(accepted[0]) == std::vector<uint64_t>{0x1100});
}
