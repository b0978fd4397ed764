#include "mallinfo_check.h"

#include <catch2/catch.hpp>

namespace heapwalk::test {

void check_mallinfo(const walker::MallocHeap& heap, const boost::property_tree::ptree& truth) {
  for (const std::string& w : heap.warnings) WARN(w);
  CHECK(heap.warnings.empty());
  walker::MallinfoTotals m = heap.mallinfo();
  auto expected = [&](const char* f) { return truth.get<uint64_t>(std::string("mallinfo2.") + f); };
  CHECK(m.arena == expected("arena"));
  CHECK(m.ordblks == expected("ordblks"));
  CHECK(m.smblks == expected("smblks"));
  CHECK(m.hblks == expected("hblks"));
  CHECK(m.hblkhd == expected("hblkhd"));
  CHECK(m.fsmblks == expected("fsmblks"));
  CHECK(m.uordblks == expected("uordblks"));
  CHECK(m.fordblks == expected("fordblks"));
  CHECK(m.keepcost == expected("keepcost"));
  REQUIRE(heap.arenas.size() == truth.get<size_t>("threads") + 1);
  for (const walker::ArenaCensus& arena : heap.arenas) CHECK(arena.tcache_chunks > 0);
}

}  // namespace heapwalk::test
