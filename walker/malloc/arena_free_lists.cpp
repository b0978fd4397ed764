// An arena's free lists: its bins (doubly linked, each chunk one the chunk walk found free) and
// its fastbins (singly linked, safe-linked since 2.32; their chunks look in use to the walk).
#include <algorithm>

#include <fmt/format.h>

#include "walker/malloc/arena_walk.h"
#include "walker/malloc/glibc_chunks.h"

namespace heapwalk::walker {

using namespace glibc;

namespace {

constexpr uint32_t kFirstLargeBin = 64;  // NSMALLBINS: bins 2..63 are small, 64..126 large

}  // namespace

// The arena's doubly linked bins: bin_at(i) is a fake chunk whose fd/bk are bins[2(i-1)] and
// bins[2(i-1)+1], so it starts 16 bytes before them; each list ends back at bin_at(i). Each
// chunk listed must be a free chunk the walk found, listed once: a loop, a chunk in two bins
// or a pointer out of the heap cuts the list there (one warning per arena: the first cut).
void ArenaWalk::collect_bins(uint64_t arena, ArenaCensus& census) {
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
void ArenaWalk::collect_fastbins(uint64_t arena, ArenaCensus& census) {
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

}  // namespace heapwalk::walker
