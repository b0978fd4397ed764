#include <catch2/catch.hpp>

#include "walker/malloc/allocation_table.h"

using heapwalk::walker::AllocationTable;

TEST_CASE("allocation lookup resolves interior pointers and nothing else", "[table]") {
  AllocationTable table;
  table.add(0x3000, 0x20);
  table.add(0x1000, 0x18);
  table.add(0x2000, 0x100, /*mmapped=*/true);
  table.finish();
  REQUIRE(table.size() == 3);
  CHECK(table.address(0) == 0x1000);
  CHECK(table.mmapped(1));
  CHECK(table.find(0x1000) == 0u);
  CHECK(table.find(0x1017) == 0u);
  CHECK_FALSE(table.find(0x1018));  // one past the usable end
  CHECK(table.find(0x20ff) == 1u);
  CHECK_FALSE(table.find(0xfff));
  CHECK_FALSE(table.find(0x4000));
  CHECK(table.total_usable() == 0x18 + 0x20 + 0x100);
}
