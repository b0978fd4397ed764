// Why a table and a scan: without libc6-dbg, libc.so.6 has neither the DWARF for malloc's structs
// nor the symbols main_arena and mp_ (both static). The structs change rarely, so each release's
// definitions are transcribed in glibc_layout_table.cpp and offsetof does the arithmetic; the two statics are found by
// what only they look like, in libc's writable segment of the target.
#include "walker/malloc/glibc_builtin_layout.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>
#include <lldb/API/SBData.h>
#include <lldb/API/SBError.h>
#include <lldb/API/SBFileSpec.h>
#include <lldb/API/SBModule.h>
#include <lldb/API/SBSection.h>
#include <lldb/API/SBTarget.h>

#include "walker/memory/memory_image.h"
#include "walker/memory/symbols.h"

namespace heapwalk::walker {
namespace {

// ---- The scan ----

constexpr uint64_t kPage = 4096;
constexpr uint64_t kMaxSystemMem = uint64_t{1} << 47;
constexpr uint64_t kMmapThresholdMax = 32ull << 20;  // DEFAULT_MMAP_THRESHOLD_MAX on 64-bit
constexpr uint64_t kTcacheMaxBins = 64, kTcacheMaxBytes = 1032, kTcacheMaxCount = 65535;
constexpr int kMaxArenaRing = 4096;

// A copy of one readable stretch of the target, so that candidates are checked without a read
// per field.
struct Window {
  uint64_t base = 0;
  std::vector<uint8_t> bytes;
  bool holds(uint64_t addr, uint64_t len) const {
    return addr >= base && addr + len <= base + bytes.size();
  }
  template <class T>
  T get(uint64_t addr) const {
    T v;
    std::memcpy(&v, bytes.data() + (addr - base), sizeof v);
    return v;
  }
};

std::vector<Window> windows(const MemoryImage& memory, uint64_t begin, uint64_t end) {
  std::vector<Window> out;
  for (const Region& r : memory.regions()) {
    uint64_t from = std::max(begin, r.start), to = std::min(end, r.end);
    if (from >= to) continue;
    Window w{from, std::vector<uint8_t>(to - from)};
    if (memory.read(from, w.bytes.data(), w.bytes.size())) out.push_back(std::move(w));
  }
  return out;
}

bool is_pow2_or_zero(uint64_t v) { return v == 0 || std::has_single_bit(v); }

bool plausible_main_arena(const MemoryImage& memory, const Window& w, const BuiltinMallocLayout& e,
                          uint64_t a) {
  if (!w.holds(a, e.arena_size)) return false;
  uint64_t next = w.get<uint64_t>(a + e.arena_next), top = w.get<uint64_t>(a + e.arena_top);
  uint64_t system_mem = w.get<uint64_t>(a + e.arena_system_mem);
  if (!next || (next & 7) || !top || (top & 15)) return false;
  if (!system_mem || (system_mem % kPage) || system_mem > kMaxSystemMem ||
      w.get<uint64_t>(a + e.arena_max_system_mem) < system_mem)
    return false;
  for (uint32_t i = 0; i < e.nfastbins; ++i)
    if (w.get<uint64_t>(a + e.arena_fastbins + 8 * i) & 15) return false;
  // bins[2i], bins[2i+1] are bin_at(i+1)'s fd and bk; an empty bin points at itself (the fake
  // chunk 16 bytes before its fd), a non-empty one at chunks whose links point back.
  for (uint32_t i = 0; i + 1 < e.nbins; ++i) {
    uint64_t slot = a + e.arena_bins + 16 * i, bin = slot - 16;
    uint64_t fd = w.get<uint64_t>(slot), bk = w.get<uint64_t>(slot + 8);
    if (fd == bin || bk == bin) {
      if (fd != bin || bk != bin) return false;
      continue;
    }
    if (!fd || !bk || (fd & 15) || (bk & 15)) return false;
    if (memory.word(fd + 24) != bin || memory.word(bk + 16) != bin) return false;
  }
  // top: a chunk whose predecessor is in use, neither mmapped nor of another arena.
  uint64_t top_size = memory.word(top + 8);
  if ((top_size & 15) != 1 || top_size < 32) return false;
  // The arena ring returns to main_arena.
  uint64_t at = next;
  for (int n = 0; n < kMaxArenaRing; ++n) {
    if (at == a) return true;
    if (!at || (at & 7)) return false;
    at = memory.word(at + e.arena_next);
  }
  return false;
}

bool plausible_mp(const Window& w, const BuiltinMallocLayout& e, uint64_t m, uint64_t top,
                  uint64_t system_mem) {
  if (!w.holds(m, e.par_size)) return false;
  auto word = [&](uint32_t offset) { return w.get<uint64_t>(m + offset); };
  auto i32 = [&](uint32_t offset) { return w.get<int32_t>(m + offset); };
  uint64_t sbrk_base = word(e.mp_sbrk_base);
  if (!sbrk_base || top < sbrk_base || top >= sbrk_base + system_mem) return false;
  if (word(e.mp_tcache_bins) > kTcacheMaxBins || word(e.mp_tcache_max_bytes) > kTcacheMaxBytes ||
      word(e.mp_tcache_count) > kTcacheMaxCount)
    return false;
  int32_t n_mmaps = i32(e.mp_n_mmaps);
  if (n_mmaps < 0 || i32(e.mp_n_mmaps_max) < 0 || i32(e.mp_max_n_mmaps) < n_mmaps) return false;
  uint64_t mmapped = word(e.mp_mmapped_mem);
  if ((mmapped % kPage) || word(e.mp_max_mmapped_mem) < mmapped || (n_mmaps == 0) != (mmapped == 0))
    return false;
  if (word(e.mp_mmap_threshold) > kMmapThresholdMax || word(e.mp_arena_test) == 0) return false;
  if (e.mp_hp_pagesize &&
      (!is_pow2_or_zero(word(e.mp_hp_pagesize)) || !is_pow2_or_zero(word(e.mp_thp_pagesize))))
    return false;
  return true;
}

// libc's writable PT_LOAD segments (.data, .bss and friends), at their load addresses.
std::vector<std::pair<uint64_t, uint64_t>> writable_segments(lldb::SBTarget& target,
                                                             lldb::SBModule& libc) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  for (uint32_t i = 0; i < libc.GetNumSections(); ++i) {
    lldb::SBSection s = libc.GetSectionAtIndex(i);
    std::string_view name = s.GetName() ? s.GetName() : "";
    if (!name.starts_with("PT_LOAD") || !(s.GetPermissions() & lldb::ePermissionsWritable)) continue;
    uint64_t load = s.GetLoadAddress(target);
    if (load != LLDB_INVALID_ADDRESS) out.emplace_back(load, load + s.GetByteSize());
  }
  return out;
}

std::string addresses(const std::vector<uint64_t>& list) {
  std::string out;
  for (size_t i = 0; i < list.size() && i < 4; ++i) out += fmt::format("{}0x{:x}", i ? ", " : "", list[i]);
  return out;
}

}  // namespace

std::optional<std::string> parse_glibc_version(std::string_view bytes) {
  constexpr std::string_view kBanner = "GNU C Library", kRelease = "release version ";
  for (size_t at = bytes.find(kBanner); at != std::string_view::npos;
       at = bytes.find(kBanner, at + 1)) {
    std::string_view line = bytes.substr(at, 256);
    line = line.substr(0, line.find('\0'));
    size_t r = line.find(kRelease);
    if (r == std::string_view::npos) continue;
    std::string_view v = line.substr(r + kRelease.size());
    v = v.substr(0, v.find_first_not_of("0123456789."));
    while (v.ends_with('.')) v.remove_suffix(1);
    if (v.find('.') != std::string_view::npos && v.front() != '.') return std::string(v);
  }
  return std::nullopt;
}

std::optional<std::string> glibc_version_of(lldb::SBModule& libc) {
  char path[4096] = {};
  if (libc.GetFileSpec().GetPath(path, sizeof path)) {
    std::ifstream in(path, std::ios::binary);
    std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (auto v = parse_glibc_version(file)) return v;
  }
  // A remote or relocated file: LLDB still holds the object file's sections.
  for (uint32_t i = 0; i < libc.GetNumSections(); ++i) {
    lldb::SBSection segment = libc.GetSectionAtIndex(i);
    lldb::SBSection rodata = segment.FindSubSection(".rodata");
    if (!rodata.IsValid()) continue;
    lldb::SBData data = rodata.GetSectionData();
    std::string bytes(data.GetByteSize(), '\0');
    lldb::SBError error;
    data.ReadRawData(error, 0, bytes.data(), bytes.size());
    if (error.Success())
      if (auto v = parse_glibc_version(bytes)) return v;
  }
  return std::nullopt;
}

std::vector<uint64_t> find_main_arena_candidates(const MemoryImage& memory,
                                                 const BuiltinMallocLayout& e, uint64_t begin,
                                                 uint64_t end) {
  std::vector<uint64_t> found;
  for (const Window& w : windows(memory, begin, end))
    for (uint64_t a = (w.base + 7) & ~uint64_t{7}; a + e.arena_size <= w.base + w.bytes.size(); a += 8)
      if (plausible_main_arena(memory, w, e, a)) found.push_back(a);
  return found;
}

std::vector<uint64_t> find_mp_candidates(const MemoryImage& memory, const BuiltinMallocLayout& e,
                                         uint64_t main_arena, uint64_t begin, uint64_t end) {
  uint64_t top = memory.word(main_arena + e.arena_top);
  uint64_t system_mem = memory.word(main_arena + e.arena_system_mem);
  std::vector<uint64_t> found;
  for (const Window& w : windows(memory, begin, end))
    for (uint64_t m = (w.base + 7) & ~uint64_t{7}; m + e.par_size <= w.base + w.bytes.size(); m += 8)
      // main_arena's own words can never be mp_.
      if ((m + e.par_size <= main_arena || m >= main_arena + e.arena_size) &&
          plausible_mp(w, e, m, top, system_mem))
        found.push_back(m);
  return found;
}

GlibcLayout builtin_glibc_layout(lldb::SBTarget& target, lldb::SBModule& libc,
                                 const MemoryImage& memory) {
  std::optional<std::string> version = glibc_version_of(libc);
  if (!version)
    throw std::runtime_error(
        "libc.so.6 has no debug info and no \"GNU C Library ... release version\" string: "
        "install libc's debug info (libc6-dbg)");
  const BuiltinMallocLayout* e = find_builtin_malloc_layout(*version);
  if (!e)
    throw std::runtime_error(fmt::format(
        "glibc {} has no built-in malloc layout and libc6-dbg is not installed: install libc's "
        "debug info",
        *version));
  GlibcLayout layout = offsets_from_table(*e);
  auto fail = [&](const std::string& what) {
    return std::runtime_error(fmt::format(
        "glibc {} without debug info: {} in libc's writable data: install libc's debug info "
        "(libc6-dbg)",
        *version, what));
  };
  std::vector<uint64_t> arenas, pars;
  auto segments = writable_segments(target, libc);
  for (auto [begin, end] : segments) {
    auto found = find_main_arena_candidates(memory, *e, begin, end);
    arenas.insert(arenas.end(), found.begin(), found.end());
  }
  if (arenas.size() != 1)
    throw fail(arenas.empty() ? std::string("no initialised main_arena found")
                              : fmt::format("{} candidates for main_arena ({})", arenas.size(),
                                            addresses(arenas)));
  for (auto [begin, end] : segments) {
    auto found = find_mp_candidates(memory, *e, arenas[0], begin, end);
    pars.insert(pars.end(), found.begin(), found.end());
  }
  if (pars.size() != 1)
    throw fail(pars.empty() ? std::string("no mp_ found")
                            : fmt::format("{} candidates for mp_ ({})", pars.size(), addresses(pars)));
  layout.main_arena = arenas[0];
  layout.mp = pars[0];
  layout.origin.main_arena = layout.origin.mp = LayoutOrigin::kScanned;
  layout.origin.tcache_key = LayoutOrigin::kMissing;  // a static with no symbol: checks go without
  return layout;
}

std::string_view to_string(LayoutOrigin origin) {
  switch (origin) {
    case LayoutOrigin::kDebugInfo: return "libc debug info";
    case LayoutOrigin::kBuiltinTable: return "built-in table";
    case LayoutOrigin::kScanned: return "found by scanning libc's data";
    case LayoutOrigin::kMissing: return "unknown";
    case LayoutOrigin::kUnknown: break;
  }
  return "not recorded";
}

std::string describe_origins(const GlibcLayout& l) {
  return fmt::format(
      "glibc {}: struct offsets from {}; main_arena 0x{:x} from {}; mp_ 0x{:x} from {}; "
      "tcache_key 0x{:x} from {}",
      l.version.empty() ? "?" : l.version, to_string(l.origin.offsets), l.main_arena,
      to_string(l.origin.main_arena), l.mp, to_string(l.origin.mp), l.tcache_key_addr,
      to_string(l.origin.tcache_key));
}

GlibcLayout load_glibc_layout(lldb::SBTarget& target, const MemoryImage& memory) {
  std::string debug_info_error;
  try {
    GlibcLayout layout = load_glibc_layout(target);
    layout.origin = {LayoutOrigin::kDebugInfo, LayoutOrigin::kDebugInfo, LayoutOrigin::kDebugInfo,
                     layout.tcache_key_addr ? LayoutOrigin::kDebugInfo : LayoutOrigin::kMissing};
    if (const BuiltinMallocLayout* e = find_builtin_malloc_layout(layout.version))
      layout.safe_linking = e->safe_linking;
    return layout;
  } catch (const std::runtime_error& e) {
    debug_info_error = e.what();
  }
  if (lldb::SBModule libc = find_libc(target); libc.IsValid())
    return builtin_glibc_layout(target, libc, memory);
  throw std::runtime_error(debug_info_error);  // no libc at all: the loader's reason stands
}

}  // namespace heapwalk::walker
