// A mapping made for one chunk starts with the header malloc wrote: prev_size 0 and a size
// that is a multiple of the page with only IS_MMAPPED set, and the whole mapping is readable.
//
// memalign (posix_memalign, aligned_alloc, aligned new) moves the chunk forward inside its
// mapping (_int_memalign: prev_size(newp) = leadsize, size = old size - leadsize) and leaves the
// original header behind, stale after a later mremap. glibc places the moved chunk exactly:
// its user block is ALIGN_UP(mapping + 16, A) for the alignment A, moved A further when the
// lead would be under MINSIZE. So only one offset per power of two A is possible, and each is
// checked: prev_size == lead, size == page multiple - lead, IS_MMAPPED. A few reads per
// mapping, whatever its size, and no scan through user data.
#include "walker/malloc/mmapped_chunks.h"

#include <algorithm>
#include <cstring>

#include "walker/malloc/glibc_chunks.h"

namespace heapwalk::walker {

using namespace glibc;

namespace {

constexpr uint64_t kPage = 4096;

bool inside_any(uint64_t addr, const std::vector<HeapRange>& ranges) {
  for (const HeapRange& r : ranges)
    if (addr >= r.start && addr < r.end) return true;
  return false;
}

// The chunk malloc handed out from the mapping at `mapping` whose first header says `total`.
MmappedChunk chunk_in_mapping(const MemoryImage& memory, uint64_t mapping, uint64_t total,
                              uint64_t region_end) {
  // Bounded by the region, not by `total`: a stale header may understate a remapped mapping.
  for (uint64_t align = 2 * kChunkHeader; align && mapping + align < region_end; align <<= 1) {
    uint64_t user = (mapping + kChunkHeader + align - 1) & ~(align - 1);
    if (user - kChunkHeader - mapping < kMinSize) user += align;
    uint64_t lead = user - kChunkHeader - mapping;
    uint64_t header[2];
    if (!memory.read(mapping + lead, header, sizeof header)) continue;
    uint64_t size = header[1] & ~kSizeBits;
    if (header[0] == lead && (header[1] & kSizeBits) == kIsMmapped && size > kChunkHeader &&
        (lead + size) % kPage == 0 && mapping + lead + size <= region_end)
      return {user, size - kChunkHeader, lead + size};
  }
  return {user_of(mapping), total - kChunkHeader, total};
}

}  // namespace

std::vector<MmappedChunk> find_mmapped_chunks(const MemoryImage& memory,
                                              const std::vector<HeapRange>& arena_ranges) {
  std::vector<MmappedChunk> found;
  for (const Region& region : memory.regions()) {
    if (!region.writable) continue;
    uint64_t page = (region.start + kPage - 1) & ~(kPage - 1);
    while (page + kPage <= region.end) {
      if (inside_any(page, arena_ranges)) {
        page += kPage;
        continue;
      }
      uint64_t header[2] = {1, 0};
      memory.read(page, header, sizeof header);
      uint64_t total = header[1] & ~kSizeBits;
      bool plausible = header[0] == 0 && (header[1] & kSizeBits) == kIsMmapped &&
                       total >= kPage && total % kPage == 0 && page + total <= region.end;
      if (!plausible) {
        page += kPage;
        continue;
      }
      MmappedChunk chunk = chunk_in_mapping(memory, page, total, region.end);
      found.push_back(chunk);
      page += chunk.mapping_size;
    }
  }
  return found;
}

}  // namespace heapwalk::walker
