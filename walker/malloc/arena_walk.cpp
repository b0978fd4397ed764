#include "walker/malloc/arena_walk.h"

#include <algorithm>

#include <fmt/format.h>

#include "walker/malloc/glibc_chunks.h"
#include "walker/malloc/mapped_ranges.h"

namespace heapwalk::walker {

using namespace glibc;

namespace {

// Bounds for linked structures read from a possibly corrupt target. Every list is also cut at
// the first node it has seen before, and every node must be a chunk of memory that exists, so
// these only bound what a consistent-looking but absurd input could ask for.
constexpr int kMaxArenas = 4096;

}  // namespace

void ArenaWalk::run() {
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

void ArenaWalk::walk_arena(uint64_t address, bool main) {
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
std::string ArenaWalk::keep_unknown(uint64_t p, uint64_t stop, ArenaCensus& census) {
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
bool ArenaWalk::claim(uint64_t start, uint64_t end) {
  auto after = claimed_.upper_bound(start);
  if (after != claimed_.end() && after->first < end) return false;
  if (after != claimed_.begin() && std::prev(after)->second > start) return false;
  claimed_.emplace(start, end);
  return true;
}

const HeapRange* ArenaWalk::range_of(const ArenaCensus& census, uint64_t chunk) const {
  for (const HeapRange& r : census.heaps)
    if (chunk >= r.start && chunk < r.end) return &r;
  return nullptr;
}

}  // namespace heapwalk::walker
