#include "report/arenas_render.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string_view>

#include <fmt/format.h>

#include "report/json.h"
#include "report/report_render.h"

namespace heapwalk::report {
namespace {

struct Count {
  uint64_t chunks = 0, bytes = 0;
};

// The rows of an arena's table, in the order the text, JSON and CSV list them.
struct FreeKinds {
  Count fastbins, tcache, unsorted, small, large;
};

FreeKinds free_kinds(const walker::ArenaCensus& a) {
  return {{a.fast_free_chunks, a.fast_free_bytes},
          {a.tcache_chunks, a.tcache_bytes},
          {a.unsorted_chunks, a.unsorted_bytes},
          {a.small_chunks, a.small_bytes},
          {a.large_chunks, a.large_bytes}};
}

double percent(uint64_t part, uint64_t whole) {
  return whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

std::string plural(uint64_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

void text_row(std::string& out, std::string_view state, std::string chunks, uint64_t bytes,
              uint64_t system_mem) {
  fmt::format_to(std::back_inserter(out), "  {:<16} {:>8} {:>12} {:>9} {:>6.1f}\n", state,
                 chunks, bytes, human_size(bytes), percent(bytes, system_mem));
}

// `tops`: how many top chunks the table covers (one per arena).
void text_arena_table(std::string& out, const walker::ArenaCensus& a, uint64_t tops) {
  auto sink = std::back_inserter(out);
  FreeKinds f = free_kinds(a);
  fmt::format_to(sink, "  {:<16} {:>8} {:>12} {:>9} {:>6}\n", "State", "Chunks", "Bytes", "Size",
                 "%");
  text_row(out, "in use", std::to_string(a.in_use_chunks), a.in_use_bytes, a.system_mem);
  const std::pair<std::string_view, Count> free_rows[] = {
      {"free: fastbins", f.fastbins}, {"free: tcache", f.tcache}, {"free: unsorted", f.unsorted},
      {"free: small bins", f.small},  {"free: large bins", f.large}};
  for (const auto& [state, count] : free_rows)
    text_row(out, state, std::to_string(count.chunks), count.bytes, a.system_mem);
  text_row(out, "top", std::to_string(tops), a.top_size, a.system_mem);
  text_row(out, "overhead", "", a.overhead_bytes, a.system_mem);
  text_row(out, "TOTAL", "", a.system_mem, a.system_mem);
  ArenaFigures figures = arena_figures(a);
  fmt::format_to(sink,
                 "  Free outside top: {}, {} bytes; largest {} bytes; fragmentation {:.2f}.\n",
                 plural(figures.free_chunks, "chunk"), figures.free_bytes, figures.largest_free,
                 figures.fragmentation);
}

std::string thread_text(const TcacheOwners& owners, uint64_t tcache) {
  auto it = owners.by_address.find(tcache);
  // Attributed but unclaimed: no listed thread points at it (a zeroed 640-byte block looks
  // like an empty tcache).
  if (it == owners.by_address.end()) return owners.attributed ? "none" : "unknown";
  if (!it->second.index) return fmt::format("tid {}", it->second.tid);  // LLDB does not list it
  return fmt::format("#{} (tid {})", it->second.index, it->second.tid);
}

Json count_json(uint64_t chunks, uint64_t bytes) { return {{"chunks", chunks}, {"bytes", bytes}}; }

// The fragmentation as the CSV writes it, to 4 decimals.
double rounded_fragmentation(double fragmentation) { return std::round(fragmentation * 1e4) / 1e4; }

// Adds the members an arena and the totals share, from "system_mem" to "overhead".
void add_arena_members(Json& out, const walker::ArenaCensus& a) {
  FreeKinds f = free_kinds(a);
  ArenaFigures figures = arena_figures(a);
  out["system_mem"] = a.system_mem;
  out["in_use"] = count_json(a.in_use_chunks, a.in_use_bytes);
  out["free"] = {{"fastbins", count_json(f.fastbins.chunks, f.fastbins.bytes)},
                 {"tcache", count_json(f.tcache.chunks, f.tcache.bytes)},
                 {"unsorted", count_json(f.unsorted.chunks, f.unsorted.bytes)},
                 {"small", count_json(f.small.chunks, f.small.bytes)},
                 {"large", count_json(f.large.chunks, f.large.bytes)}};
  out["top"] = a.top_size;
  out["largest_free"] = figures.largest_free;
  out["fragmentation"] = rounded_fragmentation(figures.fragmentation);
  out["overhead"] = a.overhead_bytes;
}

std::string hex_address(uint64_t address) { return fmt::format("0x{:x}", address); }

std::string csv_line(std::string_view arena, std::string_view main, const walker::ArenaCensus& a) {
  FreeKinds f = free_kinds(a);
  ArenaFigures figures = arena_figures(a);
  return fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{:.4f},{}\n", arena, main,
                     a.system_mem, a.in_use_chunks, a.in_use_bytes, f.fastbins.chunks,
                     f.fastbins.bytes, f.tcache.chunks, f.tcache.bytes, f.unsorted.chunks,
                     f.unsorted.bytes, f.small.chunks, f.small.bytes, f.large.chunks,
                     f.large.bytes, a.top_size, figures.largest_free, figures.fragmentation,
                     a.overhead_bytes);
}

}  // namespace

std::string human_size(uint64_t bytes) {
  constexpr std::string_view kUnits[] = {"Ki", "Mi", "Gi", "Ti"};
  if (bytes < 1024) return std::to_string(bytes);
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.2f}{}", value, kUnits[unit]);
}

ArenaFigures arena_figures(const walker::ArenaCensus& a) {
  ArenaFigures figures;
  figures.free_chunks = a.fast_free_chunks + a.tcache_chunks + a.unsorted_chunks +
                        a.small_chunks + a.large_chunks;
  figures.free_bytes =
      a.fast_free_bytes + a.tcache_bytes + a.unsorted_bytes + a.small_bytes + a.large_bytes;
  figures.largest_free = std::min(a.largest_free, figures.free_bytes);
  if (figures.free_bytes)
    figures.fragmentation = 1.0 - static_cast<double>(figures.largest_free) /
                                      static_cast<double>(figures.free_bytes);
  return figures;
}

walker::ArenaCensus sum_arenas(const walker::MallocHeap& heap) {
  walker::ArenaCensus sum;
  for (const walker::ArenaCensus& a : heap.arenas) {
    sum.system_mem += a.system_mem;
    sum.top_size += a.top_size;
    sum.in_use_chunks += a.in_use_chunks;
    sum.in_use_bytes += a.in_use_bytes;
    sum.bin_free_chunks += a.bin_free_chunks;
    sum.bin_free_bytes += a.bin_free_bytes;
    sum.fast_free_chunks += a.fast_free_chunks;
    sum.fast_free_bytes += a.fast_free_bytes;
    sum.tcache_chunks += a.tcache_chunks;
    sum.tcache_bytes += a.tcache_bytes;
    sum.unsorted_chunks += a.unsorted_chunks;
    sum.unsorted_bytes += a.unsorted_bytes;
    sum.small_chunks += a.small_chunks;
    sum.small_bytes += a.small_bytes;
    sum.large_chunks += a.large_chunks;
    sum.large_bytes += a.large_bytes;
    sum.largest_free = std::max(sum.largest_free, a.largest_free);
    sum.overhead_bytes += a.overhead_bytes;
  }
  return sum;
}

namespace {

// The tcaches found, less the zeroed program objects that only looked like empty ones.
std::vector<const walker::TcacheCensus*> shown_tcaches(const walker::MallocHeap& heap,
                                                       const TcacheOwners& owners) {
  std::vector<const walker::TcacheCensus*> shown;
  for (const walker::TcacheCensus& t : heap.tcaches)
    if (!owners.program_objects.count(t.address)) shown.push_back(&t);
  return shown;
}

}  // namespace

std::string render_arenas_text(const walker::MallocHeap& heap, const TcacheOwners& owners) {
  std::string out;
  auto sink = std::back_inserter(out);
  for (const walker::ArenaCensus& a : heap.arenas) {
    fmt::format_to(sink, "Arena 0x{:x}{}, {}: {} bytes ({}) of system memory.\n", a.address,
                   a.main ? " (main)" : "", plural(a.heaps.size(), "heap"), a.system_mem,
                   human_size(a.system_mem));
    text_arena_table(out, a, 1);
    out += '\n';
  }
  walker::ArenaCensus total = sum_arenas(heap);
  fmt::format_to(sink, "All {}: {} bytes ({}) of system memory.\n",
                 plural(heap.arenas.size(), "arena"), total.system_mem,
                 human_size(total.system_mem));
  text_arena_table(out, total, heap.arenas.size());
  fmt::format_to(sink, "Mmapped outside the arenas: {}, {} bytes ({}).\n\n",
                 plural(heap.mmapped_chunks, "chunk"), heap.mmapped_bytes,
                 human_size(heap.mmapped_bytes));

  std::vector<const walker::TcacheCensus*> tcaches = shown_tcaches(heap, owners);
  fmt::format_to(sink, "Tcaches: {}.\n", tcaches.size());
  if (!owners.attributed) fmt::format_to(sink, "Threads unknown: {}\n", owners.why_not);
  if (tcaches.empty()) return out;
  fmt::format_to(sink, "  {:<18} {:<18} {:<18} {:>7} {:>9}  {}\n", "Address", "Arena", "Thread",
                 "Chunks", "Bytes", "Bins (chunk size x count)");
  for (const walker::TcacheCensus* tcache : tcaches) {
    const walker::TcacheCensus& t = *tcache;
    std::string bins;
    for (const walker::TcacheCensus::Bin& b : t.bins)
      bins += fmt::format("{}{}x{}", bins.empty() ? "" : " ", b.size, b.count);
    fmt::format_to(sink, "  {:<18} {:<18} {:<18} {:>7} {:>9}  {}\n",
                   fmt::format("0x{:x}", t.address),
                   t.arena ? fmt::format("0x{:x}", t.arena) : "?", thread_text(owners, t.address),
                   t.chunks, t.bytes, bins.empty() ? "(empty)" : bins);
  }
  return out;
}

std::string render_arenas_json(const walker::MallocHeap& heap, const TcacheOwners& owners) {
  Json arenas = Json::array();
  for (const walker::ArenaCensus& a : heap.arenas) {
    Json arena = {{"address", hex_address(a.address)}, {"main", a.main}, {"heaps", a.heaps.size()}};
    add_arena_members(arena, a);
    arenas.push_back(std::move(arena));
  }
  Json tcaches = Json::array();
  for (const walker::TcacheCensus* tcache : shown_tcaches(heap, owners)) {
    const walker::TcacheCensus& t = *tcache;
    Json thread = nullptr;
    if (auto it = owners.by_address.find(t.address); it != owners.by_address.end())
      thread = {{"index", it->second.index ? Json(it->second.index) : Json(nullptr)},
                {"tid", it->second.tid}};
    Json bins = Json::array();
    for (const walker::TcacheCensus::Bin& b : t.bins)
      bins.push_back({{"size", b.size}, {"count", b.count}});
    tcaches.push_back({{"address", hex_address(t.address)},
                       {"arena", t.arena ? Json(hex_address(t.arena)) : Json(nullptr)},
                       {"thread", std::move(thread)},
                       {"chunks", t.chunks},
                       {"bytes", t.bytes},
                       {"bins", std::move(bins)}});
  }
  Json out = {{"arenas", std::move(arenas)}, {"tcaches", std::move(tcaches)},
              {"threads_attributed", owners.attributed}};
  if (!owners.attributed) out["threads_unknown_reason"] = owners.why_not;
  out["mmapped"] = count_json(heap.mmapped_chunks, heap.mmapped_bytes);
  Json totals = {{"arenas", heap.arenas.size()}};
  add_arena_members(totals, sum_arenas(heap));
  out["totals"] = std::move(totals);
  return json_text(out);
}

std::string render_arenas_csv(const walker::MallocHeap& heap) {
  std::string out =
      "arena,main,system_mem,in_use_chunks,in_use_bytes,fastbins_chunks,fastbins_bytes,"
      "tcache_chunks,tcache_bytes,unsorted_chunks,unsorted_bytes,small_chunks,small_bytes,"
      "large_chunks,large_bytes,top,largest_free,fragmentation,overhead\n";
  for (const walker::ArenaCensus& a : heap.arenas)
    out += csv_line(fmt::format("0x{:x}", a.address), a.main ? "true" : "false", a);
  out += csv_line("TOTAL", "", sum_arenas(heap));
  return out;
}

}  // namespace heapwalk::report
