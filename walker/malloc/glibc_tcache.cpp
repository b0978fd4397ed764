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

#include <fmt/format.h>

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

// Why a candidate is not a consistent tcache.
enum class Verdict { kTcache, kNotOne, kBrokenList, kOutOfBudget };

// The chunks of one candidate, or why it is not a consistent tcache. Its header alone decides
// whether it looks like one (kNotOne: any other 0x290 chunk); a header that does but whose lists
// do not match their counts (a loop never ends in NULL, a damaged entry) is kBrokenList, with
// the bin and entry in `broken`. `budget` bounds the entries read over every candidate.
Verdict validate(const MemoryImage& memory, uint64_t chunk, uint64_t key, uint64_t max_count,
                 bool safe_linking, std::vector<uint64_t>& found, uint64_t& budget,
                 std::pair<int, uint64_t>& broken) {
  TcacheStruct t;
  if (!memory.read(user_of(chunk), &t, sizeof t)) return Verdict::kNotOne;
  for (int bin = 0; bin < kTcacheBins; ++bin)
    if (t.counts[bin] > max_count || (t.counts[bin] == 0) != (t.entries[bin] == 0))
      return Verdict::kNotOne;
  size_t first = found.size();
  // Broken once at least one entry was a real cached chunk (right size and key): then this is a
  // tcache whose list is damaged, not some other chunk of that size.
  auto fail = [&](int bin, uint64_t entry) {
    bool had_entries = found.size() > first;
    found.resize(first);
    broken = {bin, entry};
    return had_entries ? Verdict::kBrokenList : Verdict::kNotOne;
  };
  for (int bin = 0; bin < kTcacheBins; ++bin) {
    uint64_t entry = t.entries[bin];
    uint64_t expected_size = kMinSize + 16 * static_cast<uint64_t>(bin);
    for (uint16_t k = 0; k < t.counts[bin]; ++k) {
      if (budget == 0) {
        found.resize(first);
        return Verdict::kOutOfBudget;
      }
      --budget;
      uint8_t header[32];
      if (!entry || (entry & kAlignMask) || !memory.read(entry - 8, header, sizeof header))
        return fail(bin, entry);
      uint64_t size, next, entry_key;
      std::memcpy(&size, header, 8);
      std::memcpy(&next, header + 8, 8);
      std::memcpy(&entry_key, header + 16, 8);
      if (chunk_size(size) != expected_size || (key && entry_key != key)) return fail(bin, entry);
      found.push_back(chunk_of(entry));
      entry = next_in_list(entry, next, safe_linking);
    }
    if (entry != 0) return fail(bin, entry);  // longer than its count says: a loop, or damage
  }
  return Verdict::kTcache;
}

}  // namespace

std::vector<FoundTcache> find_tcaches(const MemoryImage& memory, const GlibcLayout& layout,
                                      const std::vector<uint64_t>& candidates,
                                      std::vector<std::string>* warnings) {
  uint64_t key = layout.tcache_key_addr ? memory.word(layout.tcache_key_addr) : 0;
  uint64_t max_count = memory.word(layout.mp + layout.mp_tcache_count);
  if (max_count == 0 || max_count > 65535) max_count = 65535;
  // Every entry read is a distinct 32-byte chunk of a consistent tcache, or the candidate is
  // dropped: entries beyond the chunks that could exist, plus the default counts, mean damage.
  uint64_t mapped = 0;
  for (const Region& r : memory.regions()) mapped += r.size();
  uint64_t budget = mapped / kMinSize + 7 * kTcacheBins * (candidates.size() + 1);
  std::vector<FoundTcache> tcaches;
  bool out_of_budget = false;
  for (uint64_t chunk : candidates) {
    FoundTcache t;
    t.chunk = chunk;
    std::pair<int, uint64_t> broken;
    Verdict v = validate(memory, chunk, key, max_count, layout.safe_linking, t.chunks, budget,
                         broken);
    if (v == Verdict::kBrokenList && warnings)
      warnings->push_back(fmt::format(
          "tcache at 0x{:x}: bin {}'s list does not match its count (a loop, or a damaged entry "
          "at 0x{:x}): its chunks are counted in use",
          user_of(chunk), broken.first, broken.second));
    if (v == Verdict::kOutOfBudget) {
      out_of_budget = true;
      break;
    }
    if (v != Verdict::kTcache) continue;
    memory.read(user_of(chunk), t.counts.data(), sizeof t.counts);
    tcaches.push_back(std::move(t));
  }
  if (out_of_budget && warnings)
    warnings->push_back(fmt::format(
        "tcaches list more chunks than the memory could hold: tcache search stopped after {} "
        "of {} candidates", tcaches.size(), candidates.size()));
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
