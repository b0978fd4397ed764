// libFuzzer target: the glibc chunk, bin, fastbin, tcache and mmapped-chunk walk
// (walker/malloc) over a synthetic memory image. The image is a small but complete heap (a main
// arena with an in-use chunk, a fastbin chunk, a free chunk in the unsorted bin, a tcache with
// one cached chunk and the top chunk; a thread arena with two heaps linked by heap_info.prev; an
// mmapped chunk), and the input patches it: each 11-byte record writes one word.
//
//   record = op (1 byte), offset (2 bytes, little-endian), value (8 bytes, little-endian)
//   op & 7        the region patched (kRegions order), offset taken modulo its size, 8-aligned
//   op & 0x08     value is region-relative: base of region (value >> 56) % n + (value & 0xffff)
//   op & 0x10     value is safe-linked at the patched address (as fastbin/tcache next fields)
//   op & 0x20     value is written as a size field (low 3 bits kept as flags, rest & 0xfff0)
//   op == 0xff    the region is dropped from the image (unmapped memory, a truncated core)
//
// What must hold whatever the input (checked, abort otherwise): the walk ends, and no total
// exceeds the mapped bytes: chunks in use, free in bins, fastbins, tcaches, top, system_mem.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tests/unit/glibc_236_layout.h"
#include "tests/unit/synthetic_image.h"
#include "walker/malloc/malloc_heap.h"

using namespace heapwalk;

namespace {

constexpr uint64_t kArena = 0x1000, kMp = 0x4000, kHeap = 0x100000, kMapping = 0x200000;
constexpr uint64_t kThreadHeap = 0x4000000, kOldHeap = 0x8000000;  // 64 MiB-aligned heaps
constexpr uint64_t kHeapSize = 0x2000, kInfo = 48;
constexpr uint64_t kThreadArena = kThreadHeap + kInfo;  // its malloc_state, in its first heap

struct RegionSpec {
  uint64_t start, size;
};
constexpr RegionSpec kRegions[] = {{kArena, 0x1000},    {kMp, 0x1000},
                                   {kHeap, kHeapSize},  {kMapping, 0x2000},
                                   {kThreadHeap, kHeapSize}, {kOldHeap, kHeapSize}};
constexpr size_t kRegionCount = sizeof kRegions / sizeof kRegions[0];

walker::GlibcLayout layout() {
  walker::GlibcLayout l = test::glibc_236_layout(kArena, kMp);
  l.heap_info_size = kInfo;
  l.heap_ar_ptr = 0;
  l.heap_prev = 8;
  l.heap_size = 16;
  return l;
}

// Every word of the healthy image, region by region.
struct Image {
  std::vector<std::vector<uint8_t>> bytes;
  Image() {
    for (const RegionSpec& r : kRegions) bytes.emplace_back(r.size);
  }
  void put(uint64_t addr, uint64_t value) {
    for (size_t i = 0; i < kRegionCount; ++i)
      if (addr >= kRegions[i].start && addr + 8 <= kRegions[i].start + kRegions[i].size) {
        std::memcpy(bytes[i].data() + (addr - kRegions[i].start), &value, 8);
        return;
      }
    std::abort();
  }
  void empty_bins(uint64_t arena, uint64_t unsorted_chunk) {
    for (uint64_t i = 1; i < 128; ++i) {
      uint64_t bin = arena + 112 + 16 * (i - 1) - 16;
      uint64_t target = i == 1 && unsorted_chunk ? unsorted_chunk : bin;
      put(bin + 16, target);
      put(bin + 24, target);
    }
  }
};

const Image& healthy() {
  static const Image image = [] {
    Image m;
    auto chunk = [&](uint64_t at, uint64_t size_field) { m.put(at + 8, size_field); };
    // mp_ and the main arena.
    m.put(kArena + 2160, kThreadArena);  // next: main -> thread arena -> main
    m.put(kArena + 2184, kHeapSize);     // system_mem
    m.put(kArena + 96, kHeap + 0x4c0);   // top
    m.put(kArena + 16, kHeap + 0x2c0);   // fastbinsY[0]
    m.put(kMp + 96, kHeap);              // sbrk_base
    m.put(kMp + 60, 1);                  // n_mmaps (int32, the high half is n_mmaps_max: 0)
    m.put(kMp + 80, 0x2000);             // mmapped_mem
    m.put(kMp + 120, 7);                 // tcache_count
    // The main heap: the tcache (0x290), a cached chunk, a fastbin chunk, a free chunk in the
    // unsorted bin, an in-use chunk, top.
    chunk(kHeap, 0x290 | 1);
    m.put(kHeap + 0x10, uint64_t{1} << 16);        // counts[1] = 1
    m.put(kHeap + 0x10 + 128 + 8, kHeap + 0x2a0);  // entries[1]: the cached chunk's user block
    chunk(kHeap + 0x290, 0x30 | 1);                // the cached chunk (tcache bin 1: 0x30)
    m.put(kHeap + 0x2a0, (kHeap + 0x2a0) >> 12);   // its safe-linked NULL next
    m.put(kHeap + 0x2a8, 0x5eed);                  // its key (the layout knows no tcache_key)
    chunk(kHeap + 0x2c0, 0x20 | 1);  // in fastbin 0
    m.put(kHeap + 0x2d0, (kHeap + 0x2d0) >> 12);
    chunk(kHeap + 0x2e0, 0x100 | 1);  // free, in the unsorted bin
    m.empty_bins(kArena, kHeap + 0x2e0);
    m.put(kHeap + 0x2e0 + 16, kArena + 96);
    m.put(kHeap + 0x2e0 + 24, kArena + 96);
    chunk(kHeap + 0x3e0, 0xe0);  // in use; its prev is free
    m.put(kHeap + 0x3e0, 0x100);
    chunk(kHeap + 0x4c0, (kHeapSize - 0x4c0) | 1);  // top
    // An mmapped chunk.
    m.put(kMapping + 8, 0x2000 | 2);
    // The thread arena: its first heap holds heap_info and the malloc_state, then chunks and
    // top; an older heap hangs off heap_info.prev.
    m.put(kThreadHeap + 0, kThreadArena);  // ar_ptr
    m.put(kThreadHeap + 8, kOldHeap);      // prev
    m.put(kThreadHeap + 16, kHeapSize);    // size
    m.put(kThreadArena + 2160, kArena);    // next
    m.put(kThreadArena + 2184, 2 * kHeapSize);
    m.empty_bins(kThreadArena, 0);
    uint64_t first = ((kThreadArena + 2200 + 16 + 15) & ~uint64_t{15}) - 16;
    chunk(first, 0x40 | 5);  // in use (NON_MAIN_ARENA | PREV_INUSE)
    m.put(kThreadArena + 96, first + 0x40);  // top
    chunk(first + 0x40, (kThreadHeap + kHeapSize - first - 0x40) | 1);
    m.put(kOldHeap + 0, kThreadArena);
    m.put(kOldHeap + 16, kHeapSize);
    uint64_t old_first = kOldHeap + kInfo;
    chunk(old_first, 0x80 | 5);                                    // in use
    chunk(old_first + 0x80, (kHeapSize - kInfo - 0x80 - 0x20) | 5);  // in use, to the fenceposts
    chunk(kOldHeap + kHeapSize - 0x20, 0x10 | 1);                  // fencepost
    chunk(kOldHeap + kHeapSize - 0x10, 0 | 1);                     // the last fencepost
    return m;
  }();
  return image;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Image image = healthy();
  bool dropped[kRegionCount] = {};
  for (size_t at = 0; at + 11 <= size; at += 11) {
    uint8_t op = data[at];
    uint16_t offset;
    uint64_t value;
    std::memcpy(&offset, data + at + 1, 2);
    std::memcpy(&value, data + at + 3, 8);
    size_t region = (op & 7) % kRegionCount;
    if (op == 0xff) {
      dropped[offset % kRegionCount] = true;
      continue;
    }
    uint64_t field = kRegions[region].start + (offset % kRegions[region].size & ~uint64_t{7});
    if (op & 0x08) value = kRegions[(value >> 56) % kRegionCount].start + (value & 0xffff);
    if (op & 0x20) value = (value & 0xfff0) | (value & 7);
    if (op & 0x10) value ^= field >> 12;
    image.put(field, value);
  }
  test::SyntheticImage memory;
  uint64_t mapped = 0;
  for (size_t i = 0; i < kRegionCount; ++i) {
    if (dropped[i]) continue;
    memory.add_region(kRegions[i].start, kRegions[i].size);
    mapped += kRegions[i].size;
    for (uint64_t o = 0; o < kRegions[i].size; o += 8) {
      uint64_t w;
      std::memcpy(&w, image.bytes[i].data() + o, 8);
      if (w) memory.put(kRegions[i].start + o, w);
    }
  }

  walker::MallocHeap heap = walker::enumerate_glibc_heap(memory, layout());

  if (std::getenv("HEAPWALK_FUZZ_PRINT")) {
    for (const std::string& w : heap.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    for (const walker::ArenaCensus& a : heap.arenas)
      std::fprintf(stderr,
                   "arena 0x%llx: system_mem %llu in use %llu/%llu bins %llu fast %llu tcache "
                   "%llu top %llu heaps %zu\n",
                   (unsigned long long)a.address, (unsigned long long)a.system_mem,
                   (unsigned long long)a.in_use_chunks, (unsigned long long)a.in_use_bytes,
                   (unsigned long long)a.bin_free_bytes, (unsigned long long)a.fast_free_bytes,
                   (unsigned long long)a.tcache_bytes, (unsigned long long)a.top_size,
                   a.heaps.size());
  }
  // Nothing counted can exceed the bytes that exist.
#define check(ok)                                                             \
  do {                                                                        \
    if (!(ok)) {                                                              \
      std::fprintf(stderr, "glibc_heap_fuzz: %s fails (mapped %llu)\n", #ok,    \
                   (unsigned long long)mapped);                               \
      std::abort();                                                           \
    }                                                                         \
  } while (0)
  uint64_t total = 0;
  for (const walker::ArenaCensus& a : heap.arenas) {
    uint64_t held = a.in_use_bytes + a.bin_free_bytes + a.fast_free_bytes + a.tcache_bytes +
                    a.top_size;
    check(a.in_use_bytes <= mapped && a.bin_free_bytes <= mapped && a.top_size <= mapped);
    check(a.unsorted_bytes + a.small_bytes + a.large_bytes <= a.bin_free_bytes);
    check(held <= mapped);
    check(a.system_mem <= mapped + (64ull << 20) && a.overhead_bytes <= a.system_mem);
    total += held;
  }
  check(total <= mapped);
  check(heap.in_use.size() <= mapped / 16);
  check(heap.mmapped_bytes <= mapped);
  check(heap.warnings.size() <= 64 + 8 * heap.arenas.size());
  walker::MallinfoTotals m = heap.mallinfo();
  check(m.uordblks <= m.arena);
#undef check
  return 0;
}
