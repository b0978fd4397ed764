// The chunk walk on a synthetic glibc heap: one main arena with an in-use chunk, a fastbin
// chunk, a free chunk in a bin, the top chunk, and an mmapped chunk elsewhere.
#include <catch2/catch.hpp>

#include <algorithm>

#include "glibc_236_layout.h"
#include "synthetic_image.h"
#include "walker/malloc/malloc_heap.h"
#include "walker/progress.h"

using namespace heapwalk;

namespace {

constexpr uint64_t kArena = 0x1000, kMp = 0x4000, kHeap = 0x100000, kMapping = 0x200000;

walker::GlibcLayout layout() { return test::glibc_236_layout(kArena, kMp); }

struct Heap {
  test::SyntheticImage memory;
  Heap() {
    memory.add_region(kArena, 0x1000);
    memory.add_region(kMp, 0x1000);
    memory.add_region(kHeap, 0x1000);
    memory.add_region(kMapping, 0x2000);
    memory.put<uint64_t>(kArena + 2160, kArena);   // next: a ring of one
    memory.put<uint64_t>(kArena + 2184, 0x1000);   // system_mem
    memory.put<uint64_t>(kArena + 96, kHeap + 0x190);  // top
    memory.put<uint64_t>(kArena + 16, kHeap + 0x30);   // fastbinsY[0]
    memory.put<uint64_t>(kMp + 96, kHeap);             // sbrk_base
    memory.put<int32_t>(kMp + 60, 1);                  // n_mmaps
    memory.put<uint64_t>(kMp + 80, 0x2000);            // mmapped_mem
    memory.put<uint64_t>(kMp + 120, 7);                // tcache_count
    chunk(0x000, 0x30 | 1);                            // in use
    chunk(0x030, 0x20 | 1);                            // in fastbin 0
    memory.put<uint64_t>(kHeap + 0x40, (kHeap + 0x40) >> 12);  // its safe-linked NULL next
    chunk(0x050, 0x100 | 1);                           // free, in the unsorted bin
    // Empty bins point at themselves: bin_at(i) starts 16 bytes before bins[2(i-1)].
    for (uint64_t i = 1; i < 128; ++i) {
      uint64_t bin = kArena + 112 + 16 * (i - 1) - 16;
      memory.put<uint64_t>(bin + 16, i == 1 ? kHeap + 0x50 : bin);
      memory.put<uint64_t>(bin + 24, i == 1 ? kHeap + 0x50 : bin);
    }
    memory.put<uint64_t>(kHeap + 0x50 + 16, kArena + 96);  // the free chunk's fd and bk
    memory.put<uint64_t>(kHeap + 0x50 + 24, kArena + 96);
    chunk(0x150, 0x40);                                // in use; its prev is free
    memory.put<uint64_t>(kHeap + 0x150, 0x100);        // prev_size
    chunk(0x190, (0x1000 - 0x190) | 1);                // top
    memory.put<uint64_t>(kMapping + 8, 0x2000 | 2);    // an mmapped chunk
  }
  void chunk(uint64_t offset, uint64_t size_field) { memory.put<uint64_t>(kHeap + offset + 8, size_field); }
};

}  // namespace

TEST_CASE("a synthetic main arena: in use, fastbin, bin, top, mmapped", "[malloc]") {
  Heap h;
  walker::MallocHeap heap = walker::enumerate_glibc_heap(h.memory, layout());
  CHECK(heap.warnings.empty());
  REQUIRE(heap.in_use.size() == 3);
  CHECK(heap.in_use.address(0) == kHeap + 0x10);
  CHECK(heap.in_use.usable_size(0) == 0x28);
  CHECK(heap.in_use.address(1) == kHeap + 0x160);
  CHECK(heap.in_use.usable_size(1) == 0x38);
  CHECK(heap.in_use.address(2) == kMapping + 0x10);
  CHECK(heap.in_use.usable_size(2) == 0x2000 - 16);
  CHECK(heap.in_use.mmapped(2));

  walker::MallinfoTotals m = heap.mallinfo();
  CHECK(m.arena == 0x1000);
  CHECK(m.ordblks == 2);
  CHECK(m.smblks == 1);
  CHECK(m.fsmblks == 0x20);
  CHECK(m.fordblks == 0x100 + 0x20 + 0xe70);
  CHECK(m.uordblks == 0x1000 - m.fordblks);
  CHECK(m.hblks == 1);
  CHECK(m.hblkhd == 0x2000);
  CHECK(m.keepcost == 0xe70);
}

TEST_CASE("a corrupt chunk header is skipped with a warning", "[malloc]") {
  Heap h;
  h.chunk(0x050, 0x108 | 1);  // not a multiple of 16
  walker::MallocHeap heap = walker::enumerate_glibc_heap(h.memory, layout());
  // The skipped rest of the heap also leaves the bin lists disagreeing with the chunk walk.
  REQUIRE_FALSE(heap.warnings.empty());
  CHECK(std::any_of(heap.warnings.begin(), heap.warnings.end(), [](const std::string& w) {
    return w.find("corrupt chunk at 0x100050") != std::string::npos;
  }));
  // The chunk before it, the rest of the heap up to top as one block of unknown content (so
  // that what it points to stays reachable), and the mmapped chunk.
  REQUIRE(heap.in_use.size() == 3);
  CHECK(heap.in_use.address(1) == kHeap + 0x60);
  CHECK(heap.in_use.usable_size(1) == 0x190 - 0x60);
  CHECK(heap.in_use.unknown(1));
  CHECK_FALSE(heap.in_use.unknown(0));
}

TEST_CASE("a fastbin that loops and an arena ring that breaks do not hang", "[malloc]") {
  Heap h;
  h.memory.put<uint64_t>(kHeap + 0x40, ((kHeap + 0x40) >> 12) ^ (kHeap + 0x30));  // points to itself
  h.memory.put<uint64_t>(kArena + 2160, 0);                                      // no next arena
  walker::MallocHeap heap = walker::enumerate_glibc_heap(h.memory, layout());
  REQUIRE(heap.warnings.size() >= 2);
  CHECK(heap.warnings[0].find("loops") != std::string::npos);
  CHECK(heap.arenas.size() == 1);
}

namespace {

bool any_warning(const walker::MallocHeap& heap, const std::string& words) {
  return std::any_of(heap.warnings.begin(), heap.warnings.end(),
                     [&](const std::string& w) { return w.find(words) != std::string::npos; });
}

}  // namespace

TEST_CASE("a self-looping unsorted bin is cut at the loop, its chunk counted once", "[malloc]") {
  Heap h;
  h.memory.put<uint64_t>(kHeap + 0x50 + 16, kHeap + 0x50);  // fd -> itself
  walker::MallocHeap heap = walker::enumerate_glibc_heap(h.memory, layout());
  CHECK(any_warning(heap, "bin 1 (unsorted) of arena 0x1000 loops back to (or shares) chunk 0x100050"));
  REQUIRE(heap.arenas.size() == 1);
  CHECK(heap.arenas[0].unsorted_chunks == 1);
  CHECK(heap.arenas[0].unsorted_bytes == 0x100);
}

TEST_CASE("a bin listing a chunk that is not free, or another bin's chunk, is cut", "[malloc]") {
  Heap h;
  uint64_t small2 = kArena + 112 + 16 * 1 - 16;  // bin_at(2)
  h.memory.put<uint64_t>(small2 + 16, kHeap + 0x50);    // also lists the unsorted chunk
  h.memory.put<uint64_t>(small2 + 16 + 16, kHeap);      // bin 3 lists an in-use chunk
  walker::MallocHeap heap = walker::enumerate_glibc_heap(h.memory, layout());
  CHECK(any_warning(heap, "bin 2 (small)"));
  CHECK(any_warning(heap, "and 1 more bin lists cut"));
  CHECK(heap.arenas[0].small_bytes == 0);
  CHECK(heap.arenas[0].unsorted_bytes == 0x100);
}

TEST_CASE("a fastbin entry of the wrong size or outside the heap cuts the list", "[malloc]") {
  Heap h;
  h.memory.put<uint64_t>(kArena + 16 + 8, kHeap + 0x150);  // fastbin 1 (0x30) lists a 0x40 chunk
  h.memory.put<uint64_t>(kArena + 16 + 16, 0x7000);       // fastbin 2: not in the heap
  walker::MallocHeap heap = walker::enumerate_glibc_heap(h.memory, layout());
  CHECK(any_warning(heap, "fastbin 1 of arena 0x1000: 0x100150 (size 0x40) is no chunk"));
  CHECK(any_warning(heap, "fastbin 2 of arena 0x1000: 0x7000"));
  CHECK(heap.arenas[0].fast_free_chunks == 1);
}

TEST_CASE("absurd top and system_mem are replaced by what the heap maps", "[malloc]") {
  Heap h;
  h.memory.put<uint64_t>(kHeap + 0x190 + 8, (uint64_t{1} << 60) | 1);  // top's size
  h.memory.put<uint64_t>(kArena + 2184, uint64_t{1} << 63);              // system_mem
  walker::MallocHeap heap = walker::enumerate_glibc_heap(h.memory, layout());
  CHECK(any_warning(heap, "its top chunk 0x100190"));
  CHECK(any_warning(heap, "system_mem says 9223372036854775808 bytes"));
  const walker::ArenaCensus& a = heap.arenas[0];
  CHECK(a.top_size == 0);
  CHECK(a.system_mem <= 0x1000);
  walker::MallinfoTotals m = heap.mallinfo();
  CHECK(m.uordblks <= m.arena);
}

TEST_CASE("a zeroed heap is one warning, not a silent end", "[malloc]") {
  Heap h;
  for (uint64_t o = 0; o < 0x190; o += 8) h.memory.put<uint64_t>(kHeap + o, 0);
  walker::MallocHeap heap = walker::enumerate_glibc_heap(h.memory, layout());
  CHECK(any_warning(heap, "chunk at 0x100000 in arena 0x1000 has size 0"));
  CHECK(any_warning(heap, "its 384 bytes kept as one block of unknown content"));
  CHECK(heap.arenas[0].in_use_chunks == 1);  // that block
  CHECK(heap.arenas[0].in_use_bytes == 0x190 - 0x10);
}

TEST_CASE("the heap enumeration stops when asked to (Ctrl-C), and only then", "[malloc]") {
  // 70,000 in-use chunks: more than the 64 Ki between two questions.
  constexpr uint64_t kChunks = 70'000, kChunk = 0x20, kBig = 0x1000000;
  const uint64_t top = kBig + kChunks * kChunk, heap_size = kChunks * kChunk + 0x1000;
  test::SyntheticImage memory;
  memory.add_region(kArena, 0x1000);
  memory.add_region(kMp, 0x1000);
  memory.add_region(kBig, heap_size);
  memory.put<uint64_t>(kArena + 2160, kArena);
  memory.put<uint64_t>(kArena + 2184, heap_size);
  memory.put<uint64_t>(kArena + 96, top);
  memory.put<uint64_t>(kMp + 96, kBig);
  for (uint64_t i = 1; i < 128; ++i) {  // empty bins
    uint64_t bin = kArena + 112 + 16 * (i - 1) - 16;
    memory.put<uint64_t>(bin + 16, bin);
    memory.put<uint64_t>(bin + 24, bin);
  }
  for (uint64_t c = 0; c < kChunks; ++c) memory.put<uint64_t>(kBig + c * kChunk + 8, kChunk | 1);
  memory.put<uint64_t>(top + 8, 0x1000 | 1);

  int asked = 0;
  REQUIRE_THROWS_AS(walker::enumerate_glibc_heap(memory, layout(), [&] { return ++asked > 0; }),
                    walker::Interrupted);
  CHECK(asked == 1);
  CHECK(walker::progress().phase == nullptr);  // no stale progress line for the next command

  asked = 0;
  walker::MallocHeap heap =
      walker::enumerate_glibc_heap(memory, layout(), [&] { return ++asked < 0; });
  CHECK(asked == 1);
  CHECK(heap.in_use.size() == kChunks);
}
