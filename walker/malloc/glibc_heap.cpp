// Enumerates every chunk of glibc 2.36's malloc: arenas (the main one from sbrk_base, others
// through their heaps), free-list caches (fastbins, tcache) that look in use, mmapped chunks.
#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

#include "walker/malloc/glibc_chunks.h"
#include "walker/malloc/glibc_tcache.h"
#include "walker/malloc/malloc_heap.h"
#include "walker/memory/memory_image.h"
#include "walker/malloc/mmapped_chunks.h"

namespace heapwalk::walker {

using namespace glibc;

namespace {

// Bounds for linked structures read from a possibly corrupt target.
constexpr int kMaxArenas = 4096;
constexpr uint64_t kMaxFastbinChunks = uint64_t{1} << 26;
constexpr uint64_t kMaxBinChunks = uint64_t{1} << 26;
constexpr uint32_t kFirstLargeBin = 64;  // NSMALLBINS: bins 2..63 are small, 64..126 large

class ArenaWalk {
 public:
  ArenaWalk(const MemoryImage& memory, const GlibcLayout& layout, MallocHeap& heap)
      : memory_(memory), layout_(layout), heap_(heap) {
    // Before 2.35 malloc_par has no hp_pagesize (the layout says offset 0 then).
    uint64_t hp = layout.mp_hp_pagesize ? memory.word(layout.mp + layout.mp_hp_pagesize) : 0;
    heap_max_ = hp ? 4 * hp : layout.heap_max_size;
  }

  void run() {
    uint64_t arena = layout_.main_arena;
    std::unordered_set<uint64_t> seen;
    for (int n = 0; n < kMaxArenas; ++n) {
      seen.insert(arena);
      walk_arena(arena, arena == layout_.main_arena);
      uint64_t next = memory_.word(arena + layout_.arena_next);
      if (next == layout_.main_arena) return;
      if (next == 0 || (next & 7) || seen.count(next)) {
        warn(fmt::format("arena list broken after 0x{:x} (next 0x{:x})", arena, next));
        return;
      }
      arena = next;
    }
    warn("arena list does not return to main_arena");
  }

  const std::vector<uint64_t>& tcache_candidates() const { return tcache_candidates_; }
  uint64_t heap_max() const { return heap_max_; }

 private:
  void warn(std::string message) { heap_.warnings.push_back(std::move(message)); }

  void walk_arena(uint64_t address, bool main) {
    ArenaCensus census;
    census.address = address;
    census.main = main;
    census.system_mem = memory_.word(address + layout_.arena_system_mem);
    census.top_chunk = memory_.word(address + layout_.arena_top);
    census.top_size = chunk_size(memory_.word(census.top_chunk + kSizeSz));
    collect_fastbins(address, census);
    collect_bins(address, census);

    if (main) {
      uint64_t sbrk_base = memory_.word(layout_.mp + layout_.mp_sbrk_base);
      uint64_t start = (sbrk_base + kAlignMask) & ~kAlignMask;
      census.heaps.push_back({sbrk_base, census.top_chunk + census.top_size});
      if (sbrk_base) walk_chunks(start, census.top_chunk, census.top_chunk, census);
    } else {
      // Heaps are heap_max-aligned; the one holding top is the newest, the rest hang off prev.
      uint64_t h = census.top_chunk & ~(heap_max_ - 1);
      for (int n = 0; h && n < 65536; ++n) {
        uint64_t size = memory_.word(h + layout_.heap_size);
        // A heap_info belongs to its arena and fits in heap_max; anything else is corrupt.
        if (memory_.word(h + layout_.heap_ar_ptr) != address || size > heap_max_ ||
            size < layout_.heap_info_size || (h & (heap_max_ - 1))) {
          warn(fmt::format("corrupt heap_info at 0x{:x} in arena 0x{:x}: its heaps skipped", h,
                           address));
          break;
        }
        uint64_t start = h + layout_.heap_info_size;
        if (start == address) {  // the arena's first heap also holds its malloc_state
          start = address + layout_.arena_size;
          start = ((start + kChunkHeader + kAlignMask) & ~kAlignMask) - kChunkHeader;
        }
        census.heaps.push_back({h, h + size});
        bool holds_top = census.top_chunk >= h && census.top_chunk < h + size;
        walk_chunks(start, holds_top ? census.top_chunk : h + size, census.top_chunk, census);
        h = memory_.word(h + layout_.heap_prev);
      }
    }
    uint64_t accounted = census.in_use_bytes + census.bin_free_bytes + census.fast_free_bytes +
                         census.top_size;
    census.overhead_bytes = census.system_mem > accounted ? census.system_mem - accounted : 0;
    uint64_t listed = census.unsorted_bytes + census.small_bytes + census.large_bytes;
    if (listed != census.bin_free_bytes)
      warn(fmt::format("arena 0x{:x}: its bin lists hold {} bytes but its heaps {} free bytes",
                       address, listed, census.bin_free_bytes));
    heap_.arenas.push_back(std::move(census));
  }

  // The arena's doubly linked bins: bin_at(i) is a fake chunk whose fd/bk are bins[2(i-1)] and
  // bins[2(i-1)+1], so it starts 16 bytes before them; each list ends back at bin_at(i).
  void collect_bins(uint64_t arena, ArenaCensus& census) {
    for (uint32_t i = 1; i < layout_.nbins; ++i) {
      uint64_t bin = arena + layout_.arena_bins + 16 * (i - 1) - kChunkHeader;
      uint64_t p = memory_.word(bin + kChunkHeader);
      uint64_t chunks = 0, bytes = 0;
      for (uint64_t n = 0; p != bin; ++n) {
        if (p == 0 || (p & kAlignMask) || n >= kMaxBinChunks) {
          warn(fmt::format("bin {} of arena 0x{:x}: broken list at 0x{:x}", i, arena, p));
          break;
        }
        uint64_t size = chunk_size(memory_.word(p + kSizeSz));
        chunks += 1;
        bytes += size;
        census.largest_free = std::max(census.largest_free, size);
        p = memory_.word(p + kChunkHeader);
      }
      uint64_t& kind_chunks = i == 1 ? census.unsorted_chunks
                              : i < kFirstLargeBin ? census.small_chunks : census.large_chunks;
      uint64_t& kind_bytes = i == 1 ? census.unsorted_bytes
                             : i < kFirstLargeBin ? census.small_bytes : census.large_bytes;
      kind_chunks += chunks;
      kind_bytes += bytes;
    }
  }

  void collect_fastbins(uint64_t arena, ArenaCensus& census) {
    for (uint32_t i = 0; i < layout_.nfastbins; ++i) {
      uint64_t p = memory_.word(arena + layout_.arena_fastbins + 8 * i);
      for (uint64_t n = 0; p && n < kMaxFastbinChunks; ++n) {
        if (p & kAlignMask) {
          warn(fmt::format("fastbin {} of arena 0x{:x}: misaligned chunk 0x{:x}", i, arena, p));
          break;
        }
        if (!fast_.insert(p).second) {
          warn(fmt::format("fastbin {} of arena 0x{:x} loops", i, arena));
          break;
        }
        census.fast_free_chunks += 1;
        uint64_t size = chunk_size(memory_.word(p + kSizeSz));
        census.fast_free_bytes += size;
        census.largest_free = std::max(census.largest_free, size);
        p = next_in_list(p + kChunkHeader, memory_.word(p + kChunkHeader), layout_.safe_linking);
      }
    }
  }

  // Chunks from `start` up to `stop` (the top chunk, or a heap's end behind its fenceposts).
  void walk_chunks(uint64_t start, uint64_t stop, uint64_t top, ArenaCensus& census) {
    uint64_t p = start;
    while (p < stop) {
      uint64_t size = chunk_size(memory_.word(p + kSizeSz));
      if (size == 0) return;  // the last fencepost of an old heap
      if ((size & kAlignMask) || p + size > stop + kChunkHeader) {
        warn(fmt::format("corrupt chunk at 0x{:x} (size 0x{:x}) in arena 0x{:x}: rest of heap skipped",
                         p, size, census.address));
        return;
      }
      if (size < kMinSize) {  // a fencepost: malloc's own
        p += size;
        continue;
      }
      uint64_t next = p + size;
      uint64_t next_size_field = memory_.word(next + kSizeSz);
      bool in_use = next == top ? true : (next_size_field & kPrevInUse) != 0;
      // Before a heap's final 0-size fencepost, an in-use chunk is what was left of an old top
      // too small to free (sysmalloc): glibc counts it as used, but nobody allocated it.
      if (in_use && next != top && chunk_size(next_size_field) == 0 && !fast_.count(p)) {
        p = next;
        continue;
      }
      if (!in_use) {
        census.bin_free_chunks += 1;
        census.bin_free_bytes += size;
        census.largest_free = std::max(census.largest_free, size);
      } else if (!fast_.count(p)) {
        census.in_use_chunks += 1;
        census.in_use_bytes += size;
        heap_.in_use.add(user_of(p), size - kSizeSz);
        if (size == kTcacheStructChunkSize) tcache_candidates_.push_back(p);
      }
      p = next;
    }
  }

  const MemoryImage& memory_;
  const GlibcLayout& layout_;
  MallocHeap& heap_;
  uint64_t heap_max_ = 0;
  std::unordered_set<uint64_t> fast_;  // chunks in fastbins: free, though they look in use
  std::vector<uint64_t> tcache_candidates_;
};

ArenaCensus* arena_holding(MallocHeap& heap, uint64_t chunk) {
  for (ArenaCensus& arena : heap.arenas)
    for (const HeapRange& r : arena.heaps)
      if (chunk >= r.start && chunk < r.end) return &arena;
  return nullptr;
}

}  // namespace

MallocHeap enumerate_glibc_heap(const MemoryImage& memory, const GlibcLayout& layout) {
  MallocHeap heap;
  ArenaWalk walk(memory, layout, heap);
  walk.run();

  // Chunks in tcaches are free, though their neighbours say they are in use.
  std::vector<uint64_t> cached_users;
  std::unordered_set<uint64_t> cached_once;  // two candidates never share a chunk; be sure
  for (const FoundTcache& found : find_tcaches(memory, layout, walk.tcache_candidates())) {
    TcacheCensus t;
    t.address = user_of(found.chunk);
    if (const ArenaCensus* owner = arena_holding(heap, found.chunk)) t.arena = owner->address;
    for (size_t bin = 0; bin < found.counts.size(); ++bin)
      if (found.counts[bin]) t.bins.push_back({kMinSize + 16 * bin, found.counts[bin]});
    for (uint64_t chunk : found.chunks) {
      if (!cached_once.insert(chunk).second) continue;
      uint64_t size = chunk_size(memory.word(chunk + kSizeSz));
      t.chunks += 1;
      t.bytes += size;
      if (ArenaCensus* arena = arena_holding(heap, chunk)) {
        arena->in_use_chunks -= 1;
        arena->in_use_bytes -= size;
        arena->tcache_chunks += 1;
        arena->tcache_bytes += size;
        arena->largest_free = std::max(arena->largest_free, size);
      }
      cached_users.push_back(user_of(chunk));
    }
    heap.tcaches.push_back(std::move(t));
  }
  heap.in_use.remove(cached_users);

  std::vector<HeapRange> owned;
  for (const ArenaCensus& arena : heap.arenas)
    for (const HeapRange& r : arena.heaps)
      owned.push_back(arena.main ? r : HeapRange{r.start, r.start + walk.heap_max()});
  for (const MmappedChunk& m : find_mmapped_chunks(memory, owned)) {
    heap.in_use.add(m.user, m.usable, /*mmapped=*/true);
    heap.mmapped_chunks += 1;
    heap.mmapped_bytes += m.mapping_size;
  }
  heap.in_use.finish();

  // mp_'s counters are a check on the scan, never the answer.
  int32_t n_mmaps = memory.load<int32_t>(layout.mp + layout.mp_n_mmaps).value_or(-1);
  uint64_t mmapped_mem = memory.word(layout.mp + layout.mp_mmapped_mem);
  if (static_cast<uint64_t>(n_mmaps) != heap.mmapped_chunks || mmapped_mem != heap.mmapped_bytes)
    heap.warnings.push_back(fmt::format(
        "found {} mmapped chunks ({} bytes) but malloc counts {} ({} bytes)", heap.mmapped_chunks,
        heap.mmapped_bytes, n_mmaps, mmapped_mem));
  return heap;
}

MallinfoTotals MallocHeap::mallinfo() const {
  MallinfoTotals m;
  for (const ArenaCensus& a : arenas) {
    m.arena += a.system_mem;
    m.ordblks += a.bin_free_chunks + 1;  // glibc counts the top chunk as one free block
    m.smblks += a.fast_free_chunks;
    m.fsmblks += a.fast_free_bytes;
    m.fordblks += a.bin_free_bytes + a.fast_free_bytes + a.top_size;
    if (a.main) m.keepcost = a.top_size;
  }
  m.uordblks = m.arena - m.fordblks;
  m.hblks = mmapped_chunks;
  m.hblkhd = mmapped_bytes;
  return m;
}

}  // namespace heapwalk::walker
