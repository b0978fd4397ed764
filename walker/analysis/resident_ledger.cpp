#include "walker/analysis/resident_ledger.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "walker/analysis/page_splitter.h"
#include "walker/graph/heap_reach.h"
#include "walker/graph/node_states.h"
#include "walker/memory/residency.h"

namespace heapwalk::walker {
namespace {

// The buckets, as build_ledger names them, plus `reserved`.
enum Bucket : uint8_t {
  kCode, kStacks, kObjects, kArrays, kConservative, kLeaked, kFree, kProgramFree, kTop,
  kOverhead, kMmapped, kReserved, kOther, kBucketCount
};
constexpr std::array<const char*, kBucketCount> kKeys = {
    "code", "stacks", "objects", "arrays", "conservative", "leaked", "free", "program_free",
    "top", "overhead", "mmapped", "reserved", "other"};

constexpr uint64_t kChunkHeader = 16;  // prev_size and size
constexpr uint64_t kMallocChunk = 48;  // sizeof(struct malloc_chunk): mtrim's first usable byte
constexpr uint64_t kMinSize = 32;

uint64_t page_down(uint64_t a) { return a & ~(kPageSize - 1); }
uint64_t page_up(uint64_t a) { return (a + kPageSize - 1) & ~(kPageSize - 1); }

// What the bytes of malloc's memory are, as build_ledger counts them: a segment per allocation
// read from the table as the splitter asks (`reach_flags` and `leaks` must outlive it), the
// free chunks, tops and free units beside, the heaps and mmapped chunks' mappings behind.
PageSplitter malloc_splitter(const MallocHeap& heap, std::span<const uint8_t> reach_flags,
                             const LeakList& leaks) {
  const AllocationTable& table = heap.in_use;
  auto bucket = [&table, reach_flags, &leaks](NodeId n) -> uint8_t {
    return table.block_head(n) ? kOverhead
           : leaks.contains(n) ? kLeaked
           : reach_flags[n] & NodeStates::kTyped
               ? (reach_flags[n] & Reachability::kScalarArray ? kArrays : kObjects)
               : kConservative;
  };
  PageSplitter::Ordered allocations = [&table, bucket, n = NodeId{0}](std::span<Segment> out) mutable {
    size_t filled = 0;
    for (; filled < out.size() && n < table.size(); ++filled, ++n)
      out[filled] = {table.address(n), table.end(n), bucket(n)};
    return filled;
  };
  std::vector<Segment> others, background;
  others.reserve(table.free_units.size() + heap.free_chunks.size() + heap.arenas.size());
  for (const auto& [a, size] : table.free_units) others.push_back({a, a + size, kProgramFree});
  // A chunk owns its size field and its bytes up to the next chunk's size field.
  for (const FreeRange& f : heap.free_chunks)
    others.push_back({f.chunk + 8, f.chunk + f.size + 8, kFree});
  for (NodeId n = 0; n < table.size(); ++n)
    if (table.mmapped(n))
      background.push_back({page_down(table.address(n) - kChunkHeader), page_up(table.end(n)), kMmapped});
  for (const ArenaCensus& arena : heap.arenas) {
    if (arena.top_size) others.push_back({arena.top_chunk + 8, arena.top_chunk + arena.top_size, kTop});
    for (const HeapRange& r : arena.heaps) background.push_back({r.start, r.end, kOverhead});
  }
  return PageSplitter(std::move(allocations), std::move(others), std::move(background));
}

// Resident pages of [start, end) (page-aligned inward), by `resident(page)`.
template <class Resident>
uint64_t resident_in(uint64_t start, uint64_t end, const Resident& resident) {
  uint64_t bytes = 0;
  for (uint64_t p = page_up(start); p + kPageSize <= end; p += kPageSize)
    if (resident(p)) bytes += kPageSize;
  return bytes;
}

void add_keep(Ledger& ledger, const MallocHeap& heap, const MallocParams& params,
              const ProcessMappings& mappings, const std::function<bool(uint64_t)>& resident) {
  MallocKeep& keep = ledger.keep;
  keep.trim_threshold = params.trim_threshold;
  keep.top_pad = params.top_pad;
  keep.mmap_threshold = params.mmap_threshold;
  keep.arena_max = params.arena_max;
  keep.thresholds_known = params.thresholds_known;
  keep.dynamic = params.dynamic;
  for (const ArenaCensus& arena : heap.arenas) {
    ArenaKeep k;
    k.arena = arena.address;
    k.main = arena.main;
    std::vector<FreeRange> free;
    for (const FreeRange& f : heap.free_chunks)
      if (f.arena == arena.address) free.push_back(f);
    std::sort(free.begin(), free.end(),
              [](const FreeRange& a, const FreeRange& b) { return a.chunk < b.chunk; });
    for (const FreeRange& f : free) k.free_resident += resident_in(f.chunk + kChunkHeader, f.chunk + f.size, resident);
    uint64_t top = arena.top_chunk, top_end = arena.top_chunk + arena.top_size;
    if (arena.top_size) k.free_resident += resident_in(top + kChunkHeader, top_end, resident);
    // malloc_trim(0): malloc_consolidate merges fastbin chunks with their free neighbours
    // (tcache chunks stay: they count as in use); mtrim then madvises away the whole pages of
    // each binned chunk past its first 48 bytes; only the main arena's top is trimmed (systrim,
    // keeping MINSIZE).
    for (size_t i = 0; i < free.size();) {
      if (free[i].kind == FreeRange::kTcache) {
        ++i;
        continue;
      }
      uint64_t start = free[i].chunk, end = start + free[i].size;
      for (++i; i < free.size() && free[i].kind != FreeRange::kTcache && free[i].chunk == end; ++i)
        end += free[i].size;
      if (end == top && arena.top_size) {
        top = start;  // consolidated into top
        continue;
      }
      if (end - start <= kPageSize - 1 + kMallocChunk) continue;
      uint64_t aligned = page_up(start + kMallocChunk);
      uint64_t size = (end - start) - (aligned - start);
      k.returnable += resident_in(aligned, aligned + (size & ~(kPageSize - 1)), resident);
    }
    if (arena.main && top_end > top + kMinSize + 1) {
      uint64_t extra = (top_end - top - kMinSize - 1) & ~(kPageSize - 1);
      k.returnable += resident_in(top_end - extra, top_end, resident);
    }
    // Its heaps: mapped but untouched pages, and (thread arenas) the reservation behind them.
    for (const HeapRange& r : arena.heaps) {
      uint64_t mapped = page_up(r.end) - page_down(r.start);
      k.untouched += mapped - resident_in(page_down(r.start), page_up(r.end), resident);
      if (arena.main) continue;
      uint64_t reserve_end = r.start + params.heap_max;
      for (const Mapping& m : mappings.mappings)
        if (!m.file_backed && !m.writable && m.start >= r.end && m.end <= reserve_end)
          k.reserved += m.size();
    }
    keep.free_resident += k.free_resident;
    keep.returnable += k.returnable;
    keep.reserved += k.reserved;
    keep.untouched += k.untouched;
    keep.arenas.push_back(k);
  }
}

std::string short_mib(uint64_t bytes) { return fmt::format("{:.1f} MiB", bytes / 1048576.0); }

void add_hint(Ledger& ledger) {
  MallocKeep& keep = ledger.keep;
  uint64_t total = ledger.basis == ResidentBasis::kNone ? ledger.mapped : ledger.resident;
  // Large: a MiB at least, and a tenth of what the process holds.
  if (keep.free_resident < (uint64_t{1} << 20) || keep.free_resident * 10 < total) return;
  std::string thresholds =
      keep.thresholds_known
          ? fmt::format(" (M_TRIM_THRESHOLD {}, M_MMAP_THRESHOLD {}{})", keep.trim_threshold,
                        keep.mmap_threshold, keep.dynamic ? ", both still glibc's dynamic ones" : "")
          : "";
  keep.hint = fmt::format(
      "hint: malloc keeps {} of freed memory resident, {} of it returnable by malloc_trim(0){}: "
      "call malloc_trim(0) after freeing much, or lower M_TRIM_THRESHOLD/M_MMAP_THRESHOLD "
      "(mallopt, GLIBC_TUNABLES=glibc.malloc.trim_threshold=…); with many threads, "
      "MALLOC_ARENA_MAX={} limits the arenas",
      short_mib(keep.free_resident), short_mib(keep.returnable), thresholds,
      std::max<size_t>(2, ledger.keep.arenas.size() / 2));
}

}  // namespace

std::shared_ptr<const CorePages> core_pages(Session& session, const ProcessMappings& mappings) {
  constexpr const char* kKey = "core pages";
  if (auto kept = session.memo(kKey)) return std::static_pointer_cast<const CorePages>(kept);
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  ranges.reserve(mappings.mappings.size());
  for (const Mapping& m : mappings.mappings) ranges.emplace_back(page_down(m.start), m.end);
  auto pages = std::make_shared<const CorePages>(session.memory(), ranges);
  session.memoize(kKey, pages);
  return pages;
}

void add_residency(Ledger& ledger, const ResidencyInputs& in) {
  auto record = [&](const char* phase, std::chrono::steady_clock::time_point since) {
    if (in.record) in.record(phase, since);
  };
  // `reserved`, out of `other`: address space kept for thread arenas' heaps, never mapped.
  std::function<bool(uint64_t)> no_pages = [](uint64_t) { return true; };
  {
    Ledger scratch;
    add_keep(scratch, in.heap, in.params, in.mappings, no_pages);
    uint64_t reserved = scratch.keep.reserved;
    auto other = std::find_if(ledger.rows.begin(), ledger.rows.end(),
                              [](const LedgerRow& r) { return r.key == "other"; });
    if (other != ledger.rows.end()) {
      reserved = std::min(reserved, other->bytes);
      other->bytes -= reserved;
      other->label = "other anonymous memory (mmap'd by the program or its libraries, guard pages)";
      ledger.rows.insert(other, {"reserved", "address space reserved for thread arenas' heaps "
                                 "(PROT_NONE, never touched)", reserved, false});
    }
  }
  std::array<size_t, kBucketCount> row_of{};
  for (size_t b = 0; b < kBucketCount; ++b) {
    row_of[b] = ledger.rows.size();
    for (size_t i = 0; i < ledger.rows.size(); ++i)
      if (ledger.rows[i].key == kKeys[b]) row_of[b] = i;
  }

  const Residency* residency = in.live;
  if (residency) ledger.basis = ResidentBasis::kLive;
  else if (in.core_pages) ledger.basis = ResidentBasis::kCoreEstimate;
  else {
    add_keep(ledger, in.heap, in.params, in.mappings, no_pages);
    ledger.keep.free_resident = ledger.keep.returnable = ledger.keep.untouched = 0;
    return;
  }

  auto t0 = std::chrono::steady_clock::now();
  PageSplitter splitter = malloc_splitter(in.heap, in.reach_flags, in.leaks.leaks);
  record("ledger: resident: segments", t0);
  std::array<uint64_t, kBucketCount> resident{}, swapped{};
  std::function<bool(uint64_t)> is_resident;
  std::shared_ptr<const CorePages> pages;
  if (residency) {
    for (const ResidentMapping& m : residency->mappings()) {
      uint8_t bucket = m.file_backed()                             ? kCode
                       : in.mappings.holds_stack(m.start, m.end) ? kStacks
                                                                  : kOther;
      for (size_t i = 0; i < m.pages.size(); ++i) {
        uint8_t bits = m.pages[i];
        if (!(bits & (Residency::kResident | Residency::kSwapped))) continue;
        auto& out = bits & Residency::kResident ? resident : swapped;
        if (bucket != kOther) out[bucket] += kPageSize;
        else splitter.split(m.start + i * kPageSize, kPageSize, bucket, out);
      }
    }
    is_resident = [residency](uint64_t page) { return residency->page(page) & Residency::kResident; };
    ledger.rss = residency->vm_rss();
    ledger.smaps_rss = residency->rss();
    for (const std::string& p : residency->problems()) ledger.problems.push_back(p);
    // What reading may have changed (docs/ledger.md): the figures above are from before it.
    const MemoryImage::Disturbance& d = in.disturbance;
    if (d.swapped_in)
      ledger.problems.push_back(fmt::format(
          "reading the process swapped {} bytes of its swapped pages back in (the figures are "
          "from before)", d.swapped_in));
    if (d.shared_faulted + d.unknown_faulted)
      ledger.problems.push_back(fmt::format(
          "reading the process faulted in up to {} bytes it did not have resident (shared "
          "memory or files heapwalk could not open; the figures are from before)",
          d.shared_faulted + d.unknown_faulted));
  } else {
    // A core: the pages it holds that are not all zero.
    t0 = std::chrono::steady_clock::now();
    pages = in.core_pages();
    record("ledger: resident: core pages", t0);
    t0 = std::chrono::steady_clock::now();
    for (const Mapping& m : in.mappings.mappings) {
      uint8_t bucket = m.file_backed                               ? kCode
                       : in.mappings.holds_stack(m.start, m.end) ? kStacks
                                                                  : kOther;
      for (uint64_t p = page_down(m.start); p < m.end; p += kPageSize) {
        if (!pages->nonzero(p)) continue;
        if (bucket != kOther) resident[bucket] += kPageSize;
        else splitter.split(p, kPageSize, bucket, resident);
      }
    }
    is_resident = [&pages](uint64_t page) { return pages->nonzero(page); };
    record("ledger: resident: split", t0);
  }
  for (size_t b = 0; b < kBucketCount; ++b) {
    if (row_of[b] == ledger.rows.size()) {
      if (resident[b] || swapped[b])
        ledger.problems.push_back(fmt::format("{} resident bytes of bucket {} have no row",
                                              resident[b] + swapped[b], kKeys[b]));
      continue;
    }
    ledger.rows[row_of[b]].resident = resident[b];
    ledger.rows[row_of[b]].swapped = swapped[b];
    ledger.resident += resident[b];
    ledger.swapped += swapped[b];
  }
  if (residency && ledger.resident != residency->rss())
    ledger.problems.push_back(fmt::format(
        "the resident buckets sum to {} bytes, but smaps' Rss to {}", ledger.resident,
        residency->rss()));
  add_keep(ledger, in.heap, in.params, in.mappings, is_resident);
  add_hint(ledger);
}

void add_residency(Ledger& ledger, Session& session, std::span<const uint8_t> reach_flags,
                   const LeakReport& leaks, const ProcessMappings& mappings) {
  const MemoryImage& memory = session.memory();
  MallocParams params = malloc_params(session.glibc(), memory);
  ResidencyInputs in(session.heap(), params, reach_flags, leaks, mappings);
  in.live = memory.residency();
  if (!in.live && !memory.core_path().empty())
    in.core_pages = [&] { return core_pages(session, mappings); };
  in.disturbance = memory.disturbance();
  in.record = [&](const char* phase, std::chrono::steady_clock::time_point since) {
    session.record(phase, since);
  };
  add_residency(ledger, in);
}

}  // namespace heapwalk::walker
