#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "walker/graph/leak_names.h"
#include "walker/graph/ranked_bits.h"

using heapwalk::walker::KindId;
using heapwalk::walker::LeakNames;
using heapwalk::walker::NodeId;
using heapwalk::walker::RankedBits;

TEST_CASE("ranked bits: rank, next and count against a plain list", "[leaks][ranked_bits]") {
  for (size_t size : {0u, 1u, 63u, 64u, 65u, 1000u}) {
    std::mt19937 random(static_cast<uint32_t>(size));
    RankedBits bits(size);
    std::vector<bool> plain(size);
    for (size_t i = 0; i < size; ++i)
      if (random() % 3 == 0) bits.set(i), plain[i] = true;
    bits.finish();
    INFO("size " << size);
    uint32_t below = 0;
    for (size_t i = 0; i < size; ++i) {
      CHECK(bits.test(i) == plain[i]);
      CHECK(bits.rank(i) == below);
      size_t next = i;
      while (next < size && !plain[next]) ++next;
      CHECK(bits.next(i) == next);
      below += plain[i];
    }
    CHECK(bits.count() == below);
    CHECK(bits.next(size) == size);
    CHECK_FALSE(bits.test(size));
  }
}

TEST_CASE("leak names: the kind of each named allocation, none for the rest", "[leaks][ranked_bits]") {
  LeakNames names(200, std::vector<NodeId>{3, 64, 65, 199}, {7, 8, 70000, 9});  // one wide kind
  CHECK(names.size() == 4);
  CHECK(names.kind(3) == KindId{7});
  CHECK(names.kind(64) == KindId{8});
  CHECK(names.kind(65) == KindId{70000});
  CHECK(names.kind(199) == KindId{9});
  CHECK_FALSE(names.kind(4));
  CHECK_FALSE(names.kind(200));
  CHECK_THROWS(LeakNames(10, std::vector<NodeId>{1, 1}, {2, 3}));
  CHECK_THROWS(LeakNames(10, std::vector<NodeId>{1}, {2, 3}));
}
