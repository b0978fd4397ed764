// absl::Cord's rep headers (typeinfo/abseil_cord.h) against Abseil 20220623's own definitions:
// the flat sizes its tags encode, and which headers read as reps.
#include <catch2/catch.hpp>

#include <absl/strings/internal/cord_rep_flat.h>

#include "typeinfo/abseil_cord.h"

namespace cord = heapwalk::typeinfo::cord;

TEST_CASE("cord flat sizes are Abseil's for every tag", "[cord]") {
  for (unsigned tag = cord::kFlat; tag <= cord::kMaxFlat; ++tag)
    CHECK(cord::flat_allocated_size(static_cast<uint8_t>(tag)) ==
          absl::cord_internal::TagToAllocatedSize(static_cast<uint8_t>(tag)));
  // And the tag Abseil gives each size it allocates decodes to that size.
  for (size_t size = 32; size <= 256 * 1024; size += 8) {
    const size_t rounded = absl::cord_internal::RoundUpForTag(size);
    CHECK(cord::flat_allocated_size(absl::cord_internal::AllocatedSizeToTag(rounded)) == rounded);
  }
  CHECK(int{cord::kFlat} == int{absl::cord_internal::FLAT});
  CHECK(int{cord::kBtree} == int{absl::cord_internal::BTREE});
  CHECK(int{cord::kExternal} == int{absl::cord_internal::EXTERNAL});
  CHECK(int{cord::kSubstring} == int{absl::cord_internal::SUBSTRING});
  CHECK(int{cord::kCrc} == int{absl::cord_internal::CRC});
  CHECK(cord::kFlatOverhead == absl::cord_internal::kFlatOverhead);
}

TEST_CASE("cord rep headers: what reads as a rep, and how much of it is explained", "[cord]") {
  const uint8_t none[3] = {0, 0, 0};
  // A flat: its length must fit the capacity its tag encodes.
  const uint8_t tag40 = absl::cord_internal::AllocatedSizeToTag(40);
  REQUIRE(cord::rep_shape(27, tag40, none));
  CHECK(cord::rep_shape(27, tag40, none)->bytes == 40);
  CHECK(cord::rep_shape(27, tag40, none)->tag == cord::kFlat);
  CHECK_FALSE(cord::rep_shape(28, tag40, none));
  CHECK_FALSE(cord::rep_shape(0, tag40, none));          // no rep is empty
  CHECK_FALSE(cord::rep_shape(1ull << 50, cord::kExternal, none));
  CHECK_FALSE(cord::rep_shape(10, 249, none));           // past MAX_FLAT_TAG
  CHECK_FALSE(cord::rep_shape(10, 0, none));
  CHECK_FALSE(cord::rep_shape(10, cord::kRing, none));   // not recognized: scanned
  CHECK(cord::rep_shape(10, cord::kSubstring, none)->bytes == 32);
  CHECK(cord::rep_shape(10, cord::kCrc, none)->bytes == 32);
  CHECK(cord::rep_shape(10, cord::kExternal, none)->bytes == 32);
  // A btree node: height <= 11, 0 <= begin < end <= 6.
  const uint8_t leaf[3] = {0, 0, 6}, inner[3] = {2, 1, 3}, tall[3] = {12, 0, 1},
                empty[3] = {0, 3, 3}, wide[3] = {0, 0, 7};
  CHECK(cord::rep_shape(100, cord::kBtree, leaf)->bytes == 64);
  CHECK(cord::rep_shape(100, cord::kBtree, inner));
  CHECK_FALSE(cord::rep_shape(100, cord::kBtree, tall));
  CHECK_FALSE(cord::rep_shape(100, cord::kBtree, empty));
  CHECK_FALSE(cord::rep_shape(100, cord::kBtree, wide));
}
