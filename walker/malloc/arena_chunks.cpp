// An arena heap's chunks, one after the other by their size fields: in use (into the table),
// free (into the free list), fenceposts and old tops skipped; a corrupt size ends the walk.
#include <fmt/format.h>

#include "walker/malloc/arena_walk.h"
#include "walker/malloc/glibc_chunks.h"
#include "walker/malloc/glibc_tcache.h"
#include "walker/malloc/mapped_ranges.h"
#include "walker/progress.h"

namespace heapwalk::walker {

using namespace glibc;

// Chunks from `start` up to `stop` (the top chunk, or a heap's end behind its fenceposts).
// Each step moves forward by a chunk size read from mapped memory: at most (stop - start)/16
// steps, and an unreadable size (read as 0) ends the walk.
void ArenaWalk::walk_chunks(uint64_t start, uint64_t stop, uint64_t top, ArenaCensus& census) {
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

}  // namespace heapwalk::walker
