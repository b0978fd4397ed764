// Enumerates every chunk of glibc 2.36's malloc: arenas (the main one from sbrk_base, others
// through their heaps), free-list caches (fastbins, tcache) that look in use, mmapped chunks.
#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "walker/progress.h"

#include "walker/malloc/glibc_chunks.h"
#include "walker/malloc/glibc_tcache.h"
#include "walker/malloc/malloc_heap.h"
#include "walker/memory/memory_image.h"
#include "walker/malloc/mmapped_chunks.h"

namespace heapwalk::walker {

using namespace glibc;

namespace {

// Bounds for linked structures read from a possibly corrupt target. Every list is also cut at
// the first node it has seen before, and every node must be a chunk of memory that exists, so
// these only bound what a consistent-looking but absurd input could ask for.
constexpr int kMaxArenas = 4096;
constexpr uint32_t kFirstLargeBin = 64;  // NSMALLBINS: bins 2..63 are small, 64..126 large

// The readable bytes of [start, end).
uint64_t mapped_bytes(const MemoryImage& memory, uint64_t start, uint64_t end) {
  const std::vector<Region>& regions = memory.regions();
  auto it = std::upper_bound(regions.begin(), regions.end(), start,
                             [](uint64_t a, const Region& r) { return a < r.start; });
  if (it != regions.begin()) --it;
  uint64_t bytes = 0;
  for (; it != regions.end() && it->start < end; ++it) {
    uint64_t lo = std::max(start, it->start), hi = std::min(end, it->end);
    if (hi > lo) bytes += hi - lo;
  }
  return bytes;
}

// The end of the readable bytes that start at addr without a gap (addr itself if unreadable).
uint64_t mapped_end(const MemoryImage& memory, uint64_t addr) {
  uint64_t end = addr;
  for (const Region* r = memory.region_of(addr); r; r = memory.region_of(r->end)) end = r->end;
  return end;
}

// Whether [start, end) is readable without a gap (regions are sorted and disjoint).
bool mapped_range(const MemoryImage& memory, uint64_t start, uint64_t end) {
  if (end < start) return false;
  const Region* r = memory.region_of(start);
  while (r) {
    if (end <= r->end) return true;
    const Region* next = memory.region_of(r->end);
    if (!next || next == r) return false;
    r = next;
  }
  return false;
}

class ArenaWalk {
 public:
  ArenaWalk(const MemoryImage& memory, const GlibcLayout& layout, MallocHeap& heap,
            const std::function<bool()>& interrupted)
      : memory_(memory), layout_(layout), heap_(heap), interrupted_(interrupted) {
    // Before 2.35 malloc_par has no hp_pagesize (the layout says offset 0 then).
    uint64_t hp = layout.mp_hp_pagesize ? memory.word(layout.mp + layout.mp_hp_pagesize) : 0;
    heap_max_ = hp ? 4 * hp : layout.heap_max_size;
    // HEAP_MAX is a power of two of at least a page; anything else is a damaged mp_.
    if (heap_max_ < 4096 || (heap_max_ & (heap_max_ - 1)) || heap_max_ > (uint64_t{1} << 40))
      heap_max_ = layout.heap_max_size;
  }

  void run() {
    uint64_t arena = layout_.main_arena;
    std::unordered_set<uint64_t> seen;
    for (int n = 0; n < kMaxArenas; ++n) {
      seen.insert(arena);
      walk_arena(arena, arena == layout_.main_arena);
      uint64_t next = memory_.word(arena + layout_.arena_next);
      if (next == layout_.main_arena) return;
      if (seen.count(next)) {
        warn(fmt::format("arena ring loops: arena 0x{:x}'s next is 0x{:x}, already walked "
                         "(ring cut there)", arena, next));
        return;
      }
      if (next == 0 || (next & 7) ||
          !mapped_range(memory_, next, next + std::max<uint64_t>(layout_.arena_size, 8))) {
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
    bool top_bad = false;
    if ((census.top_chunk & kAlignMask) || census.top_chunk + census.top_size < census.top_chunk ||
        !mapped_range(memory_, census.top_chunk, census.top_chunk + census.top_size)) {
      warn(fmt::format("arena 0x{:x}: its top chunk 0x{:x} (size 0x{:x}) is not in mapped "
                       "memory: taken as empty",
                       address, census.top_chunk, census.top_size));
      census.top_size = 0;
      top_bad = true;
    }

    // 1. The heaps: where this arena's chunks may be.
    struct Walk {
      uint64_t start, stop;
    };
    std::vector<Walk> walks;
    if (main) {
      uint64_t sbrk_base = memory_.word(layout_.mp + layout_.mp_sbrk_base);
      uint64_t start = (sbrk_base + kAlignMask) & ~kAlignMask;
      uint64_t end = census.top_chunk + census.top_size;
      if (sbrk_base && (census.top_chunk < start || !mapped_range(memory_, sbrk_base, end))) {
        if (!top_bad)
          warn(fmt::format("main arena: its top chunk 0x{:x} is not in the heap from sbrk_base "
                           "0x{:x}: the heap walked up to the first unmapped byte",
                           census.top_chunk, sbrk_base));
        const Region* r = memory_.region_of(sbrk_base);
        end = r ? r->end : sbrk_base;
        census.top_chunk = end;
        census.top_size = 0;
      }
      census.heaps.push_back({sbrk_base, end});
      if (sbrk_base) walks.push_back({start, census.top_chunk});
    } else {
      // Heaps are heap_max-aligned; the one holding top is the newest, the rest hang off prev.
      uint64_t h = census.top_chunk & ~(heap_max_ - 1);
      while (h) {
        if (!heaps_seen_.insert(h).second) {
          warn(fmt::format("arena 0x{:x}: heap_info.prev list loops back to heap 0x{:x} "
                           "(list cut there)", address, h));
          break;
        }
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
        walks.push_back({start, holds_top ? census.top_chunk : h + size});
        h = memory_.word(h + layout_.heap_prev);
      }
    }

    // 2. Fastbins (their chunks look in use to the chunk walk), 3. the chunks, 4. the bins,
    // each listed chunk one the walk found free.
    collect_fastbins(address, census);
    free_.clear();
    for (const Walk& w : walks) {
      if (!claim(w.start, std::max(w.start, w.stop))) {
        warn(fmt::format("arena 0x{:x}: its heap at 0x{:x}..0x{:x} overlaps a heap walked "
                         "already: skipped", address, w.start, w.stop));
        continue;
      }
      walk_chunks(w.start, w.stop, census.top_chunk, census);
    }
    collect_bins(address, census);
    free_.clear();

    // system_mem is the arena's own counter: never more than the mapped bytes of the heaps it
    // spans, never less than the chunks found in them.
    uint64_t span = 0;
    for (const HeapRange& r : census.heaps) span += mapped_bytes(memory_, r.start, r.end);
    uint64_t accounted = census.in_use_bytes + census.bin_free_bytes + census.fast_free_bytes +
                         census.top_size;
    if (census.system_mem > span && census.system_mem - span > heap_max_) {
      warn(fmt::format("arena 0x{:x}: system_mem says {} bytes but its heaps map {}: taken as "
                       "{}", address, census.system_mem, span, std::max(span, accounted)));
      census.system_mem = std::max(span, accounted);
    } else if (census.system_mem < accounted) {
      warn(fmt::format("arena 0x{:x}: system_mem says {} bytes but its chunks hold {}: taken as "
                       "{}", address, census.system_mem, accounted, accounted));
      census.system_mem = accounted;
    }
    census.overhead_bytes = census.system_mem - accounted;
    uint64_t listed = census.unsorted_bytes + census.small_bytes + census.large_bytes;
    if (listed != census.bin_free_bytes)
      warn(fmt::format("arena 0x{:x}: its bin lists hold {} bytes but its heaps {} free bytes",
                       address, listed, census.bin_free_bytes));
    heap_.arenas.push_back(std::move(census));
  }

  // What is left of a heap whose walk was cut at chunk p: its chunks are unknown, but objects in
  // it may still hold the only pointers to others. Kept as one in-use block of unknown content
  // (the mapped bytes from p's user block to the walk's stop), so that the conservative scan
  // reaches through it and nothing it points to is reported leaked. Returns the warning's tail.
  std::string keep_unknown(uint64_t p, uint64_t stop, ArenaCensus& census) {
    uint64_t user = user_of(p), end = user;
    for (const Region* r = memory_.region_of(user); r && end < stop;) {
      end = std::min(stop, r->end);
      const Region* next = memory_.region_of(r->end);
      if (next == r) break;
      r = next;
    }
    if (end <= user + kSizeSz) return "";
    uint64_t bytes = end - user;
    // Fastbin chunks in it are part of the unknown block now, not free bytes besides it.
    for (uint64_t f : fast_) {
      uint64_t size = chunk_size(memory_.word(f + kSizeSz));
      if (f < p || f >= end || census.fast_free_chunks == 0 || census.fast_free_bytes < size)
        continue;
      census.fast_free_chunks -= 1;
      census.fast_free_bytes -= size;
    }
    census.in_use_chunks += 1;
    census.in_use_bytes += bytes;
    heap_.in_use.add_flagged(user, bytes, AllocationTable::kUnknown);
    return fmt::format(" (its {} bytes kept as one block of unknown content, scanned "
                       "conservatively)", bytes);
  }

  // Records [start, end) as walked; false if it overlaps a range walked before (a damaged heap
  // list or top pointer must not count the same chunks twice).
  bool claim(uint64_t start, uint64_t end) {
    auto after = claimed_.upper_bound(start);
    if (after != claimed_.end() && after->first < end) return false;
    if (after != claimed_.begin() && std::prev(after)->second > start) return false;
    claimed_.emplace(start, end);
    return true;
  }

  const HeapRange* range_of(const ArenaCensus& census, uint64_t chunk) const {
    for (const HeapRange& r : census.heaps)
      if (chunk >= r.start && chunk < r.end) return &r;
    return nullptr;
  }

  // The arena's doubly linked bins: bin_at(i) is a fake chunk whose fd/bk are bins[2(i-1)] and
  // bins[2(i-1)+1], so it starts 16 bytes before them; each list ends back at bin_at(i). Each
  // chunk listed must be a free chunk the walk found, listed once: a loop, a chunk in two bins
  // or a pointer out of the heap cuts the list there (one warning per arena: the first cut).
  void collect_bins(uint64_t arena, ArenaCensus& census) {
    std::string first_cut;
    uint32_t cuts = 0;
    for (uint32_t i = 1; i < layout_.nbins; ++i) {
      uint64_t bin = arena + layout_.arena_bins + 16 * (i - 1) - kChunkHeader;
      uint64_t p = memory_.word(bin + kChunkHeader);
      uint64_t chunks = 0, bytes = 0;
      while (p != bin) {
        auto it = free_.find(p);
        if (it == free_.end() || it->second.listed) {
          if (cuts++ == 0) {
            const char* why = it != free_.end() ? "loops back to (or shares) chunk"
                              : p == 0          ? "has a null link instead of"
                                                : "points to a chunk that is no free chunk of its heaps,";
            first_cut = fmt::format("bin {} ({}) of arena 0x{:x} {} 0x{:x}: list cut there", i,
                                    i == 1 ? "unsorted" : i < kFirstLargeBin ? "small" : "large",
                                    arena, why, p);
          }
          break;
        }
        it->second.listed = true;
        uint64_t size = it->second.size;
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
    if (cuts == 1) warn(first_cut);
    if (cuts > 1) warn(fmt::format("{} (and {} more bin lists cut)", first_cut, cuts - 1));
  }

  // Each fastbin chunk must lie in one of the arena's heaps and have its bin's size; a chunk
  // seen before (a loop, or a chunk in two lists) cuts the list there.
  void collect_fastbins(uint64_t arena, ArenaCensus& census) {
    for (uint32_t i = 0; i < layout_.nfastbins; ++i) {
      uint64_t p = memory_.word(arena + layout_.arena_fastbins + 8 * i);
      const uint64_t expected = kMinSize + 16 * uint64_t{i};
      while (p) {
        if (p & kAlignMask) {
          warn(fmt::format("fastbin {} of arena 0x{:x}: misaligned chunk 0x{:x}", i, arena, p));
          break;
        }
        if (!fast_.insert(p).second) {
          warn(fmt::format("fastbin {} of arena 0x{:x} loops back to chunk 0x{:x} (list cut "
                           "there)", i, arena, p));
          break;
        }
        const HeapRange* r = range_of(census, p);
        uint64_t size = chunk_size(memory_.word(p + kSizeSz));
        if (!r || size != expected || p + size > r->end) {
          fast_.erase(p);
          warn(fmt::format("fastbin {} of arena 0x{:x}: 0x{:x} (size 0x{:x}) is no chunk of its "
                           "heaps of size 0x{:x} (list cut there)", i, arena, p, size, expected));
          break;
        }
        census.fast_free_chunks += 1;
        census.fast_free_bytes += size;
        heap_.free_chunks.push_back({p, size, arena, FreeRange::kFast});
        census.largest_free = std::max(census.largest_free, size);
        p = next_in_list(p + kChunkHeader, memory_.word(p + kChunkHeader), layout_.safe_linking);
      }
    }
  }

  // Chunks from `start` up to `stop` (the top chunk, or a heap's end behind its fenceposts).
  // Each step moves forward by a chunk size read from mapped memory: at most (stop - start)/16
  // steps, and an unreadable size (read as 0) ends the walk.
  void walk_chunks(uint64_t start, uint64_t stop, uint64_t top, ArenaCensus& census) {
    uint64_t p = start;
    const uint64_t mapped = mapped_end(memory_, start);  // no chunk counted past it
    while (p < stop) {
      uint64_t size = chunk_size(memory_.word(p + kSizeSz));
      if (size == 0) {  // the last fencepost of an old heap, 16 bytes before its end
        if (stop - p > 2 * kChunkHeader)
          warn(fmt::format("chunk at 0x{:x} in arena 0x{:x} has size 0 with 0x{:x} bytes of its "
                           "heap left (zeroed or unmapped memory): rest of heap skipped{}",
                           p, census.address, stop - p, keep_unknown(p, stop, census)));
        return;
      }
      if ((size & kAlignMask) || p + size < p || p + size > stop + kChunkHeader ||
          p + size > mapped) {
        warn(fmt::format("corrupt chunk at 0x{:x} (size 0x{:x}) in arena 0x{:x}: rest of heap "
                         "skipped{}", p, size, census.address, keep_unknown(p, stop, census)));
        return;
      }
      if (size < kMinSize) {  // a fencepost: malloc's own
        p += size;
        continue;
      }
      if ((++steps_ & 0xffff) == 0) {  // a heap of millions of chunks takes seconds
        progress().update("enumerate heap", heap_.in_use.size(), 0, "chunks in use so far");
        if (interrupted_ && interrupted_()) throw Interrupted();
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
        free_.emplace(p, FreeChunk{size, false});
        heap_.free_chunks.push_back({p, size, census.address, FreeRange::kBin});
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
  const std::function<bool()>& interrupted_;
  uint64_t steps_ = 0;
  uint64_t heap_max_ = 0;
  std::unordered_set<uint64_t> fast_;        // chunks in fastbins: free, though they look in use
  std::unordered_set<uint64_t> heaps_seen_;  // heap_info addresses, over every arena
  struct FreeChunk {
    uint64_t size;
    bool listed;  // found in a bin list already
  };
  std::unordered_map<uint64_t, FreeChunk> free_;  // the current arena's free chunks
  std::vector<uint64_t> tcache_candidates_;
  std::map<uint64_t, uint64_t> claimed_;  // chunk ranges walked so far: start -> end
};

ArenaCensus* arena_holding(MallocHeap& heap, uint64_t chunk) {
  for (ArenaCensus& arena : heap.arenas)
    for (const HeapRange& r : arena.heaps)
      if (chunk >= r.start && chunk < r.end) return &arena;
  return nullptr;
}

}  // namespace

MallocHeap enumerate_glibc_heap(const MemoryImage& memory, const GlibcLayout& layout,
                                const std::function<bool()>& interrupted) {
  MallocHeap heap;
  ArenaWalk walk(memory, layout, heap, interrupted);
  try {
    walk.run();
  } catch (const Interrupted&) {
    progress() = {};
    throw;
  }
  progress() = {};

  // Chunks in tcaches are free, though their neighbours say they are in use.
  std::vector<uint64_t> cached_users;
  std::unordered_set<uint64_t> cached_once;  // two candidates never share a chunk; be sure
  // A cached chunk is moved from in use to cached only if the walk found it in use.
  std::vector<uint64_t> walked_users(heap.in_use.size());
  for (size_t i = 0; i < walked_users.size(); ++i) walked_users[i] = heap.in_use.address(i);
  // The walk goes arena by arena in address order: usually sorted already (a 2 M sort: 20 ms).
  if (!std::is_sorted(walked_users.begin(), walked_users.end()))
    std::sort(walked_users.begin(), walked_users.end());
  for (const FoundTcache& found :
       find_tcaches(memory, layout, walk.tcache_candidates(), &heap.warnings)) {
    TcacheCensus t;
    t.address = user_of(found.chunk);
    if (const ArenaCensus* owner = arena_holding(heap, found.chunk)) t.arena = owner->address;
    for (size_t bin = 0; bin < found.counts.size(); ++bin)
      if (found.counts[bin]) t.bins.push_back({kMinSize + 16 * bin, found.counts[bin]});
    for (uint64_t chunk : found.chunks) {
      if (!std::binary_search(walked_users.begin(), walked_users.end(), user_of(chunk)) ||
          !cached_once.insert(chunk).second)
        continue;
      uint64_t size = chunk_size(memory.word(chunk + kSizeSz));
      t.chunks += 1;
      t.bytes += size;
      ArenaCensus* arena = arena_holding(heap, chunk);
      if (arena && arena->in_use_chunks > 0 && arena->in_use_bytes >= size) {
        arena->in_use_chunks -= 1;
        arena->in_use_bytes -= size;
        arena->tcache_chunks += 1;
        arena->tcache_bytes += size;
        arena->largest_free = std::max(arena->largest_free, size);
      }
      heap.free_chunks.push_back({chunk, size, arena ? arena->address : 0, FreeRange::kTcache});
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
  m.uordblks = m.arena > m.fordblks ? m.arena - m.fordblks : 0;
  m.hblks = mmapped_chunks;
  m.hblkhd = mmapped_bytes;
  return m;
}

}  // namespace heapwalk::walker
