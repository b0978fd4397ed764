// A mapping made for one chunk starts with the header malloc wrote: prev_size 0 and a size
// that is a multiple of the page with IS_MMAPPED set, and the whole mapping is readable. An
// aligned allocation (posix_memalign, aligned new) moves the chunk forward inside its mapping
// and records the shift in the moved chunk's prev_size; the original header stays behind, so
// the scan finds the mapping first and then looks inside it for the moved chunk.
#include "walker/mmapped_chunks.h"

#include <algorithm>
#include <cstring>

#include "walker/glibc_chunks.h"

namespace heapwalk::walker {

using namespace glibc;

namespace {

constexpr uint64_t kPage = 4096;

bool inside_any(uint64_t addr, const std::vector<HeapRange>& ranges) {
  for (const HeapRange& r : ranges)
    if (addr >= r.start && addr < r.end) return true;
  return false;
}

// The chunk malloc handed out from the mapping at `mapping` of `total` bytes.
MmappedChunk chunk_in_mapping(const MemoryImage& memory, uint64_t mapping, uint64_t total) {
  // An aligned chunk at mapping + lead has prev_size == lead and size == total - lead; lead is
  // below the alignment, so the first MiB is searched (alignments beyond that are not found).
  uint64_t searched = std::min<uint64_t>(total, uint64_t{1} << 20);
  std::span<const uint8_t> bytes = memory.view(mapping, searched);
  for (uint64_t lead = kChunkHeader; lead + kMinSize <= bytes.size(); lead += kChunkHeader) {
    uint64_t header[2];
    std::memcpy(header, bytes.data() + lead, sizeof header);
    if (header[0] == lead && header[1] == ((total - lead) | kIsMmapped))
      return {user_of(mapping + lead), total - lead - kChunkHeader, total};
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
      bool plausible = header[0] == 0 && (header[1] & kIsMmapped) && !(header[1] & kNonMainArena) &&
                       total >= kPage && total % kPage == 0 && page + total <= region.end;
      if (!plausible) {
        page += kPage;
        continue;
      }
      found.push_back(chunk_in_mapping(memory, page, total));
      page += total;
    }
  }
  return found;
}

}  // namespace heapwalk::walker
