// AllocationTable's 32-bit usable sizes and their side table for 4 GiB and more, holds_exactly
// at glibc's chunk boundaries, and MemoryImage::word through its window.
#include <catch2/catch.hpp>

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

#include "walker/malloc/allocation_table.h"
#include "walker/malloc/glibc_chunks.h"
#include "walker/memory/memory_image.h"

using heapwalk::walker::AllocationTable;
namespace glibc = heapwalk::walker::glibc;

namespace {
constexpr uint64_t GiB = uint64_t{1} << 30, KiB = 1024;
}

TEST_CASE("allocation table: 4 GiB and larger usable sizes round-trip", "[table]") {
  AllocationTable table;
  const uint64_t huge = 0x7f0000000000, at_limit = 0x7e0000000000, below = 0x7d0000000000;
  // Added out of order: sorting must keep each size with its address.
  table.add(huge, 5 * GiB - 16, true);  // mmapped: a page multiple less the header
  table.add(0x10000, 24);
  table.add(at_limit, 0xffffffffu, true);  // the first size that does not fit inline
  table.add(below, 0xfffffffeu, true);     // the last one that does
  table.add(0x20000, 40);
  table.finish();
  REQUIRE(table.size() == 5);

  CHECK(table.address(0) == 0x10000);
  CHECK(table.address(1) == 0x20000);
  CHECK(table.address(2) == below);
  CHECK(table.address(3) == at_limit);
  CHECK(table.address(4) == huge);
  CHECK(table.usable_size(0) == 24);
  CHECK(table.usable_size(1) == 40);
  CHECK(table.usable_size(2) == 0xfffffffeu);
  CHECK(table.usable_size(3) == 0xffffffffu);
  CHECK(table.usable_size(4) == 5 * GiB - 16);
  CHECK(table.end(4) == huge + 5 * GiB - 16);
  CHECK(table.end(3) == at_limit + 0xffffffffu);
  CHECK(table.mmapped(4));
  CHECK_FALSE(table.mmapped(0));

  CHECK(table.find(huge) == 4u);
  CHECK(table.find(huge + 4 * GiB + 12345) == 4u);  // past 32 bits of offset
  CHECK(table.find(huge + 5 * GiB - 17) == 4u);
  CHECK_FALSE(table.find(huge + 5 * GiB - 16));
  CHECK(table.find(at_limit + 0xfffffffeu) == 3u);
  CHECK_FALSE(table.find(at_limit + 0xffffffffu));
  CHECK(table.find(below + 0xfffffffdu) == 2u);
  CHECK_FALSE(table.find(below + 0xfffffffeu));
  CHECK(table.find(0x10017) == 0u);
  CHECK(table.total_usable() == 24 + 40 + uint64_t{0xfffffffeu} + uint64_t{0xffffffffu} + 5 * GiB - 16);

  // Exact fits of huge mmapped requests: malloc(5 GiB - 4119) … malloc(5 GiB - 24).
  CHECK(table.holds_exactly(4, 5 * GiB - 4119));
  CHECK(table.holds_exactly(4, 5 * GiB - 24));
  CHECK_FALSE(table.holds_exactly(4, 5 * GiB - 4120));
  CHECK_FALSE(table.holds_exactly(4, 5 * GiB - 23));
}

TEST_CASE("allocation table: removing allocations keeps the huge sizes of the others", "[table]") {
  AllocationTable table;
  table.add(0x7f0000000000, 6 * GiB, true);
  table.add(0x7e0000000000, 5 * GiB, true);
  table.add(0x10000, 24);
  table.remove({0x7e0000000000});
  table.finish();
  REQUIRE(table.size() == 2);
  CHECK(table.usable_size(1) == 6 * GiB);
  CHECK(table.find(0x7f0000000000 + 5 * GiB) == 1u);
  CHECK_FALSE(table.find(0x7e0000000000));
}

TEST_CASE("glibc: usable size for a request, in an arena and mmapped", "[table][glibc]") {
  // Arena chunks: max(32, (n + 8 + 15) & ~15) bytes, of which all but 8 are usable.
  CHECK(glibc::usable_for_request(0, false) == 24);
  CHECK(glibc::usable_for_request(1, false) == 24);
  CHECK(glibc::usable_for_request(24, false) == 24);
  CHECK(glibc::usable_for_request(25, false) == 40);
  CHECK(glibc::usable_for_request(40, false) == 40);
  CHECK(glibc::usable_for_request(41, false) == 56);
  CHECK(glibc::usable_for_request(128 * KiB, false) == 128 * KiB + 8);
  // mmapped chunks: the chunk plus 8 rounded to pages, all but the 16-byte header usable.
  CHECK(glibc::usable_for_request(0, true) == 4096 - 16);
  CHECK(glibc::usable_for_request(4072, true) == 4096 - 16);
  CHECK(glibc::usable_for_request(4073, true) == 8192 - 16);
  CHECK(glibc::usable_for_request(128 * KiB, true) == 132 * KiB - 16);
}

TEST_CASE("glibc: usable_for_request agrees with this process's malloc for mmapped chunks",
          "[table][glibc]") {
  // Far above the largest dynamic mmap threshold (32 MiB) and any top chunk: mmapped, and
  // never touched beyond its header page.
  for (size_t n : {size_t{600} << 20, (size_t{600} << 20) + 1, (size_t{601} << 20) + 4072}) {
    void* p = std::malloc(n);
    REQUIRE(p);
    INFO("malloc(" << n << ")");
    uint64_t size_field;
    std::memcpy(&size_field, static_cast<char*>(p) - 8, 8);
    REQUIRE((size_field & glibc::kIsMmapped) != 0);
    CHECK(malloc_usable_size(p) == glibc::usable_for_request(n, true));
    std::free(p);
  }
}

TEST_CASE("allocation table: holds_exactly at arena chunk boundaries", "[table]") {
  AllocationTable table;
  table.add(0x1000, 24);   // malloc(0) … malloc(24)
  table.add(0x2000, 40);   // malloc(25) … malloc(40)
  table.add(0x3000, 56);   // malloc(41) … malloc(56)
  table.add(0x4000, 128 * KiB + 8);  // malloc(128 KiB - 7) … malloc(128 KiB + 8) in an arena
  table.finish();
  CHECK_FALSE(table.holds_exactly(0, 0));  // no object is 0 bytes
  CHECK(table.holds_exactly(0, 1));
  CHECK(table.holds_exactly(0, 24));
  CHECK_FALSE(table.holds_exactly(0, 25));
  CHECK_FALSE(table.holds_exactly(1, 24));
  CHECK(table.holds_exactly(1, 25));
  CHECK(table.holds_exactly(1, 40));
  CHECK_FALSE(table.holds_exactly(1, 41));
  CHECK(table.holds_exactly(2, 41));
  CHECK_FALSE(table.holds_exactly(2, 40));
  CHECK(table.holds_exactly(3, 128 * KiB - 7));
  CHECK(table.holds_exactly(3, 128 * KiB + 8));
  CHECK_FALSE(table.holds_exactly(3, 128 * KiB - 8));
  CHECK_FALSE(table.holds_exactly(3, 128 * KiB + 9));
}

TEST_CASE("allocation table: holds_exactly for mmapped chunks", "[table]") {
  AllocationTable table;
  table.add(0x10000, 4096 - 16, true);        // malloc(0) … malloc(4072) if mmapped
  table.add(0x20000, 128 * KiB - 16, true);   // malloc(124 KiB - 23) … malloc(128 KiB - 24)
  table.add(0x100000, 132 * KiB - 16, true);  // malloc(128 KiB - 23) … malloc(132 KiB - 24)
  table.finish();
  CHECK(table.holds_exactly(0, 1));
  CHECK(table.holds_exactly(0, 4072));
  CHECK_FALSE(table.holds_exactly(0, 4073));
  CHECK_FALSE(table.holds_exactly(1, 124 * KiB - 24));
  CHECK(table.holds_exactly(1, 124 * KiB - 23));
  CHECK(table.holds_exactly(1, 128 * KiB - 24));
  CHECK_FALSE(table.holds_exactly(1, 128 * KiB - 23));
  CHECK(table.holds_exactly(2, 128 * KiB - 23));
  CHECK(table.holds_exactly(2, 128 * KiB));
  CHECK(table.holds_exactly(2, 132 * KiB - 24));
  CHECK_FALSE(table.holds_exactly(2, 132 * KiB - 23));
  // In an arena no request gives that usable size (arena sizes are 8 more than a multiple of 16).
  AllocationTable arena;
  arena.add(0x1000, 132 * KiB - 16);
  arena.finish();
  CHECK_FALSE(arena.holds_exactly(0, 128 * KiB));
  CHECK_FALSE(arena.holds_exactly(0, 132 * KiB - 24));
  CHECK_FALSE(arena.holds_exactly(0, 132 * KiB - 16));
}

namespace {

// An image whose bytes live in separate buffers ("windows"), some readable only through read().
class WindowedImage final : public heapwalk::walker::MemoryImage {
 public:
  void add(uint64_t start, size_t size, bool window) {
    std::vector<uint8_t> bytes(size);
    for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>((start + i) & 0xff);
    blocks_[start] = {std::move(bytes), window};
  }
  mutable int reads = 0, window_lookups = 0;

  bool read(uint64_t addr, void* dst, size_t len) const override {
    ++reads;
    auto* out = static_cast<uint8_t*>(dst);
    for (size_t i = 0; i < len; ++i) {  // may span blocks
      const Block* b = block(addr + i);
      if (!b) return false;
      out[i] = b->bytes[addr + i - start_of(addr + i)];
    }
    return true;
  }
  std::span<const uint8_t> view(uint64_t, size_t) const override { return {}; }
  std::string source() const override { return "windowed"; }

 protected:
  bool window_at(uint64_t addr, Window& window) const override {
    ++window_lookups;
    const Block* b = block(addr);
    if (!b || !b->window) return false;
    window.start = start_of(addr);
    window.size = b->bytes.size();
    window.data = b->bytes.data();
    return true;
  }

 private:
  struct Block {
    std::vector<uint8_t> bytes;
    bool window = false;
  };
  uint64_t start_of(uint64_t addr) const { return std::prev(blocks_.upper_bound(addr))->first; }
  const Block* block(uint64_t addr) const {
    auto it = blocks_.upper_bound(addr);
    if (it == blocks_.begin()) return nullptr;
    --it;
    return addr < it->first + it->second.bytes.size() ? &it->second : nullptr;
  }
  std::map<uint64_t, Block> blocks_;
};

// The word the pattern above puts at addr: each byte is its address's low byte.
uint64_t pattern(uint64_t addr) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = value << 8 | ((addr + i) & 0xff);
  return value;
}

}  // namespace

TEST_CASE("memory image: word() reads through a window, and falls back at its edges",
          "[memory]") {
  WindowedImage image;
  image.add(0x1000, 0x100, true);   // window A
  image.add(0x1100, 0x100, true);   // window B, adjacent to A but another buffer
  image.add(0x3000, 0x100, false);  // readable, no window

  CHECK(image.word(0x1000) == pattern(0x1000));  // finds window A
  CHECK(image.window_lookups == 1);
  CHECK(image.word(0x1008) == pattern(0x1008));  // inside it: no lookup, no read
  CHECK(image.word(0x10f8) == pattern(0x10f8));  // the last whole word of A
  CHECK(image.word(0x1003) == pattern(0x1003));  // unaligned, inside
  CHECK(image.window_lookups == 1);
  CHECK(image.reads == 0);

  CHECK(image.word(0x10fc) == pattern(0x10fc));  // straddles A and B: read()
  CHECK(image.reads == 1);
  CHECK(image.word(0x1100) == pattern(0x1100));  // window B
  CHECK(image.reads == 1);
  int lookups = image.window_lookups;
  CHECK(image.word(0x11f8) == pattern(0x11f8));
  CHECK(image.window_lookups == lookups);

  CHECK(image.word(0x3010) == pattern(0x3010));  // no window: read()
  CHECK(image.reads == 2);
  CHECK(image.word(0x1108) == pattern(0x1108));  // window B was kept
  CHECK(image.window_lookups == lookups + 1);

  CHECK(image.word(0x2000) == 0);     // unreadable
  CHECK(image.word(0x0ffc) == 0);     // starts before A
  CHECK(image.word(0x11fc) == 0);     // runs past B's end into nothing
  CHECK(image.word(0x30fc) == 0);     // runs past the readable block
  CHECK(image.word(~uint64_t{0} - 3) == 0);  // the top of the address space
  CHECK(image.word(0x1010) == pattern(0x1010));  // and back to A
}
