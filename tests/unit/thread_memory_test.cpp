// A thread's static TLS, struct pthread and DTV from its descriptor (walker/roots/thread_memory.h),
// on synthetic memory: the ranges glibc's layout gives, and bounds from the memory that exists.
#include <catch2/catch.hpp>

#include "synthetic_image.h"
#include "walker/roots/thread_memory.h"

using namespace heapwalk;
using walker::LoaderView;
using walker::ThreadDescriptor;

namespace {

constexpr uint64_t kStack = 0x7f0000000000, kStackSize = 0x40000;
constexpr uint64_t kPthread = 2368, kStaticSize = 0x1000 + kPthread;
constexpr uint64_t kPd = kStack + kStackSize - kPthread - 0x40;
constexpr uint64_t kHeap = 0x555555000000, kHeapSize = 0x10000;

LoaderView view_of(uint64_t pd, ThreadDescriptor::List list = ThreadDescriptor::List::kCache) {
  LoaderView v;
  v.threads.push_back({pd, 0, list});
  v.pthread_size = kPthread;
  v.tls_static_size = kStaticSize;
  return v;
}

}  // namespace

TEST_CASE("a cached thread's static TLS, struct pthread and DTV", "[thread_memory]") {
  test::SyntheticImage memory;
  memory.add_region(kStack, kStackSize);
  memory.add_region(kHeap, kHeapSize);
  uint64_t dtv = kHeap + 0x100 + 16;  // tcbhead_t.dtv points 16 bytes into the calloc'd block
  memory.put<uint64_t>(kPd + 8, dtv);
  memory.put<uint64_t>(dtv - 16, 16);  // 16 slots

  auto threads = walker::thread_memory(view_of(kPd), memory);
  REQUIRE(threads.size() == 1);
  const walker::ThreadMemory& t = threads[0];
  CHECK(t.static_tls_begin == kPd - (kStaticSize - kPthread));
  CHECK(t.pthread_end == kPd + kPthread);
  CHECK(t.dtv_begin == dtv - 16);
  CHECK(t.dtv_end == dtv + 16 * 17);  // slots 0 (generation) to 16
  CHECK(walker::exited_thread_name(t.descriptor) ==
        "cached stack of an exited thread (struct pthread 0x7f000003f680)");
}

TEST_CASE("thread memory is bounded by the memory that exists", "[thread_memory]") {
  test::SyntheticImage memory;
  memory.add_region(kStack, kStackSize);
  memory.add_region(kHeap, kHeapSize);

  SECTION("a descriptor in no region is dropped") {
    CHECK(walker::thread_memory(view_of(0x1000), memory).empty());
  }
  SECTION("a DTV with too many slots, or past its region, or unaligned, is not read") {
    for (auto [dtv, slots] : {std::pair<uint64_t, uint64_t>{kHeap + 0x110, uint64_t{1} << 20},
                              {kHeap + kHeapSize - 0x100, 64},
                              {kHeap + 0x113, 4},
                              {8, 4}}) {
      INFO(std::hex << dtv << " " << slots);
      memory.put<uint64_t>(kPd + 8, dtv);
      if (memory.region_of(dtv - 16) && dtv % 8 == 0) memory.put<uint64_t>(dtv - 16, slots);
      auto threads = walker::thread_memory(view_of(kPd), memory);
      REQUIRE(threads.size() == 1);
      CHECK(threads[0].dtv_begin == 0);
      CHECK(threads[0].dtv_end == 0);
    }
  }
  SECTION("static TLS and struct pthread stop at the region's ends") {
    // A descriptor near the top of its mapping and static TLS larger than the mapping.
    uint64_t pd = kStack + kStackSize - 0x100;
    LoaderView v = view_of(pd);
    v.tls_static_size = kStackSize * 4;
    auto threads = walker::thread_memory(v, memory);
    REQUIRE(threads.size() == 1);
    CHECK(threads[0].static_tls_begin == kStack);
    CHECK(threads[0].pthread_end == kStack + kStackSize);
  }
  SECTION("without _dl_tls_static_size there is no static TLS range") {
    LoaderView v = view_of(kPd, ThreadDescriptor::List::kUsed);
    v.tls_static_size = 0;
    auto threads = walker::thread_memory(v, memory);
    REQUIRE(threads.size() == 1);
    CHECK(threads[0].static_tls_begin == kPd);
    CHECK(walker::exited_thread_name(threads[0].descriptor) ==
          "exited thread, not joined yet (struct pthread 0x7f000003f680)");
  }
}
