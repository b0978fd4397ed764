// Enumerates every chunk of glibc 2.36's malloc: arenas (the main one from sbrk_base, others
// through their heaps: arena_walk.h), free-list caches (tcache) that look in use, mmapped chunks.
#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

#include "walker/progress.h"

#include "walker/malloc/arena_walk.h"
#include "walker/malloc/glibc_chunks.h"
#include "walker/malloc/glibc_tcache.h"
#include "walker/malloc/malloc_heap.h"
#include "walker/memory/memory_image.h"
#include "walker/malloc/mmapped_chunks.h"

namespace heapwalk::walker {

using namespace glibc;

namespace {

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

