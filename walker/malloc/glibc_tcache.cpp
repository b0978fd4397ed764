// Why not the thread list: DESIGN.md suggests reaching each thread's `tcache` (a TLS variable)
// through struct pthread and libc's TLS offset. Here the tcache structs are found among the
// chunks instead: a tcache_perthread_struct is an ordinary 0x290 chunk of its arena, and its
// lists can be checked exactly: counts[i] entries, each a chunk of bin i's size whose `key`
// equals the global tcache_key, linked by safe-linked pointers, ending in NULL. A random chunk
// passes only if it is all zeros (an empty tcache, which marks nothing). This needs no TLS and
// also finds the tcaches of threads that LLDB does not list.
#include "walker/malloc/glibc_tcache.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_set>

#include "walker/malloc/glibc_chunks.h"

namespace heapwalk::walker {

using namespace glibc;

namespace {

constexpr int kTcacheBins = 64;

struct TcacheStruct {
  std::array<uint16_t, kTcacheBins> counts;
  std::array<uint64_t, kTcacheBins> entries;
};
static_assert(sizeof(TcacheStruct) == 640);

// The chunks of one candidate, or false when it is not a consistent tcache.
bool validate(const MemoryImage& memory, uint64_t chunk, uint64_t key, uint64_t max_count,
              bool safe_linking, std::vector<uint64_t>& found) {
  TcacheStruct t;
  if (!memory.read(user_of(chunk), &t, sizeof t)) return false;
  size_t first = found.size();
  for (int bin = 0; bin < kTcacheBins; ++bin) {
    uint64_t entry = t.entries[bin];
    uint64_t expected_size = kMinSize + 16 * static_cast<uint64_t>(bin);
    if (t.counts[bin] > max_count || (t.counts[bin] == 0) != (entry == 0)) break;
    for (uint16_t k = 0; k < t.counts[bin]; ++k) {
      uint8_t header[32];
      if (!entry || (entry & kAlignMask) || !memory.read(entry - 8, header, sizeof header)) {
        found.resize(first);
        return false;
      }
      uint64_t size, next, entry_key;
      std::memcpy(&size, header, 8);
      std::memcpy(&next, header + 8, 8);
      std::memcpy(&entry_key, header + 16, 8);
      if (chunk_size(size) != expected_size || (key && entry_key != key)) {
        found.resize(first);
        return false;
      }
      found.push_back(chunk_of(entry));
      entry = next_in_list(entry, next, safe_linking);
    }
    if (entry != 0) {  // the list is longer than its count says
      found.resize(first);
      return false;
    }
    if (bin == kTcacheBins - 1) return true;
  }
  found.resize(first);
  return false;
}

}  // namespace

std::vector<FoundTcache> find_tcaches(const MemoryImage& memory, const GlibcLayout& layout,
                                      const std::vector<uint64_t>& candidates) {
  uint64_t key = layout.tcache_key_addr ? memory.word(layout.tcache_key_addr) : 0;
  uint64_t max_count = memory.word(layout.mp + layout.mp_tcache_count);
  if (max_count == 0 || max_count > 65535) max_count = 65535;
  std::vector<FoundTcache> tcaches;
  for (uint64_t chunk : candidates) {
    FoundTcache t;
    t.chunk = chunk;
    if (!validate(memory, chunk, key, max_count, layout.safe_linking, t.chunks)) continue;
    memory.read(user_of(chunk), t.counts.data(), sizeof t.counts);
    tcaches.push_back(std::move(t));
  }
  std::sort(tcaches.begin(), tcaches.end(),
            [](const FoundTcache& a, const FoundTcache& b) { return a.chunk < b.chunk; });
  return tcaches;
}

std::vector<uint64_t> tcache_chunks(const MemoryImage& memory, const GlibcLayout& layout,
                                    const std::vector<uint64_t>& candidates) {
  std::vector<uint64_t> found;
  for (const FoundTcache& t : find_tcaches(memory, layout, candidates))
    found.insert(found.end(), t.chunks.begin(), t.chunks.end());
  // Two candidates never share a chunk in a real heap; keep each once regardless.
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

}  // namespace heapwalk::walker
