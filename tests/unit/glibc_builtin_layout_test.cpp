// The built-in glibc malloc layouts: version strings, the table, its 2.36 entry against the DWARF
// of the installed libc6-dbg, and the structure checks that find main_arena and mp_ unnamed.
#include <catch2/catch.hpp>

#include <gnu/libc-version.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <fmt/format.h>

#include <lldb/API/LLDB.h>

#include "synthetic_image.h"
#include "walker/malloc/glibc_builtin_layout.h"

using namespace heapwalk;
using walker::BuiltinMallocLayout;
using namespace std::literals;

namespace {

constexpr const char* kLibc = "/lib/x86_64-linux-gnu/libc.so.6";

std::string with_nuls(std::string_view text) {
  std::string s("\0\x7f" "ELF junk\0", 11);
  s += text;
  s += std::string("\0more\0", 6);
  return s;
}

}  // namespace

TEST_CASE("glibc's version from its banner", "[glibc_layout]") {
  using walker::parse_glibc_version;
  CHECK(parse_glibc_version(with_nuls(
            "GNU C Library (Debian GLIBC 2.36-9+deb12u14) stable release version 2.36.\n")) ==
        "2.36");
  CHECK(parse_glibc_version(with_nuls(
            "GNU C Library (Ubuntu GLIBC 2.39-0ubuntu8.4) stable release version 2.39.")) ==
        "2.39");
  CHECK(parse_glibc_version("GNU C Library (GNU libc) stable release version 2.41.") == "2.41");
  CHECK(parse_glibc_version("GNU C Library (GNU libc) development release version 2.41.9000.") ==
        "2.41.9000");
  // The first banner without a version does not stop the search.
  CHECK(parse_glibc_version(with_nuls("GNU C Library\0x GNU C Library release version 2.31"sv)) ==
        "2.31");
  CHECK_FALSE(parse_glibc_version("release version 2.36"));  // no banner
  CHECK_FALSE(parse_glibc_version("GNU C Library (GNU libc) stable release version ."));
  CHECK_FALSE(parse_glibc_version(""));
}

TEST_CASE("the table covers glibc 2.31 to 2.41 and nothing else", "[glibc_layout]") {
  for (int minor = 31; minor <= 41; ++minor) {
    const BuiltinMallocLayout* e = walker::find_builtin_malloc_layout("2." + std::to_string(minor));
    REQUIRE(e);
    INFO(e->version);
    CHECK(!e->source.empty());
    CHECK(e->arena_size == 2200);
    CHECK(e->nfastbins == 10);
    CHECK(e->nbins == 128);
    CHECK(e->safe_linking == (minor >= 32));
    CHECK(e->tcache_key_global == (minor >= 34));
    CHECK((e->mp_hp_pagesize != 0) == (minor >= 35));
    CHECK(e->heap_info_size == (minor >= 35 ? 48u : 32u));
    CHECK(e->mp_sbrk_base == (minor >= 35 ? 96u : 72u));
    CHECK(e->mp_tcache_count == (minor >= 35 ? 120u : 96u));
  }
  CHECK(walker::builtin_malloc_layouts().size() == 11);
  CHECK_FALSE(walker::find_builtin_malloc_layout("2.42"));
  CHECK_FALSE(walker::find_builtin_malloc_layout("2.30"));
  CHECK_FALSE(walker::find_builtin_malloc_layout("2.41.9000"));
  CHECK_FALSE(walker::find_builtin_malloc_layout(""));

  walker::GlibcLayout l = walker::offsets_from_table(*walker::find_builtin_malloc_layout("2.31"));
  CHECK(l.version == "2.31");
  CHECK_FALSE(l.safe_linking);
  CHECK(l.mp_hp_pagesize == 0);
  CHECK(l.origin.offsets == walker::LayoutOrigin::kBuiltinTable);
  CHECK(l.main_arena == 0);
}

// The installed libc6-dbg is the reference: the table's entry for this machine's glibc must say
// what its DWARF says, field by field.
TEST_CASE("the table's entry for the installed glibc equals its DWARF", "[glibc_layout][dwarf]") {
  lldb::SBDebugger::Initialize();
  lldb::SBDebugger debugger = lldb::SBDebugger::Create(false);
  lldb::SBTarget target = debugger.CreateTarget(kLibc);
  REQUIRE(target.IsValid());
  lldb::SBModule libc = target.GetModuleAtIndex(0);
  REQUIRE(libc.FindFirstType("malloc_state").IsValid());  // libc6-dbg is installed

  auto version = walker::glibc_version_of(libc);
  REQUIRE(version);
  CHECK(*version == gnu_get_libc_version());
  const BuiltinMallocLayout* e = walker::find_builtin_malloc_layout(*version);
  REQUIRE(e);

  auto field = [&](const char* type_name, std::string_view name) -> int64_t {
    lldb::SBType type = libc.FindFirstType(type_name);
    for (uint32_t i = 0; i < type.GetNumberOfFields(); ++i) {
      lldb::SBTypeMember m = type.GetFieldAtIndex(i);
      if (m.GetName() && name == m.GetName()) return static_cast<int64_t>(m.GetOffsetInBytes());
    }
    return 0;  // absent: the table says 0 too
  };
  auto size = [&](const char* type_name) { return libc.FindFirstType(type_name).GetByteSize(); };

  CHECK(e->arena_size == size("malloc_state"));
  CHECK(e->arena_flags == field("malloc_state", "flags"));
  CHECK(e->arena_fastbins == field("malloc_state", "fastbinsY"));
  CHECK(e->arena_top == field("malloc_state", "top"));
  CHECK(e->arena_bins == field("malloc_state", "bins"));
  CHECK(e->arena_next == field("malloc_state", "next"));
  CHECK(e->arena_attached_threads == field("malloc_state", "attached_threads"));
  CHECK(e->arena_system_mem == field("malloc_state", "system_mem"));
  CHECK(e->arena_max_system_mem == field("malloc_state", "max_system_mem"));
  CHECK(e->par_size == size("malloc_par"));
  CHECK(e->mp_mmap_threshold == field("malloc_par", "mmap_threshold"));
  CHECK(e->mp_arena_test == field("malloc_par", "arena_test"));
  CHECK(e->mp_thp_pagesize == field("malloc_par", "thp_pagesize"));
  CHECK(e->mp_hp_pagesize == field("malloc_par", "hp_pagesize"));
  CHECK(e->mp_n_mmaps == field("malloc_par", "n_mmaps"));
  CHECK(e->mp_n_mmaps_max == field("malloc_par", "n_mmaps_max"));
  CHECK(e->mp_max_n_mmaps == field("malloc_par", "max_n_mmaps"));
  CHECK(e->mp_mmapped_mem == field("malloc_par", "mmapped_mem"));
  CHECK(e->mp_max_mmapped_mem == field("malloc_par", "max_mmapped_mem"));
  CHECK(e->mp_sbrk_base == field("malloc_par", "sbrk_base"));
  CHECK(e->mp_tcache_bins == field("malloc_par", "tcache_bins"));
  CHECK(e->mp_tcache_max_bytes == field("malloc_par", "tcache_max_bytes"));
  CHECK(e->mp_tcache_count == field("malloc_par", "tcache_count"));
  CHECK(e->heap_info_size == size("_heap_info"));
  CHECK(e->heap_ar_ptr == field("_heap_info", "ar_ptr"));
  CHECK(e->heap_prev == field("_heap_info", "prev"));
  CHECK(e->heap_size == field("_heap_info", "size"));

  // And what the debug-info loader (glibc_layout.cpp) reads equals the table's GlibcLayout.
  // Symbols need load addresses: place libc at 0, as a static target would not.
  target.SetModuleLoadAddress(libc, 0);
  walker::GlibcLayout dwarf = walker::load_glibc_layout(target);
  walker::GlibcLayout table = walker::offsets_from_table(*e);
  CHECK(dwarf.version == table.version);
  CHECK(dwarf.arena_size == table.arena_size);
  CHECK(dwarf.arena_flags == table.arena_flags);
  CHECK(dwarf.arena_fastbins == table.arena_fastbins);
  CHECK(dwarf.nfastbins == table.nfastbins);
  CHECK(dwarf.arena_top == table.arena_top);
  CHECK(dwarf.arena_bins == table.arena_bins);
  CHECK(dwarf.arena_next == table.arena_next);
  CHECK(dwarf.arena_system_mem == table.arena_system_mem);
  CHECK(dwarf.mp_sbrk_base == table.mp_sbrk_base);
  CHECK(dwarf.mp_n_mmaps == table.mp_n_mmaps);
  CHECK(dwarf.mp_mmapped_mem == table.mp_mmapped_mem);
  CHECK(dwarf.mp_hp_pagesize == table.mp_hp_pagesize);
  CHECK(dwarf.mp_tcache_bins == table.mp_tcache_bins);
  CHECK(dwarf.mp_tcache_count == table.mp_tcache_count);
  CHECK(dwarf.heap_info_size == table.heap_info_size);
  CHECK(dwarf.heap_ar_ptr == table.heap_ar_ptr);
  CHECK(dwarf.heap_prev == table.heap_prev);
  CHECK(dwarf.heap_size == table.heap_size);
  lldb::SBDebugger::Destroy(debugger);
}

namespace {

constexpr uint64_t kData = 0x7f0000200000, kHeap = 0x555500000000;

// A libc .data page holding an initialised main_arena and mp_, as glibc 2.36 lays them out, and a
// heap of one in-use chunk, one free chunk in the unsorted bin, and top.
struct LibcData {
  const BuiltinMallocLayout& e = *walker::find_builtin_malloc_layout("2.36");
  test::SyntheticImage memory;
  uint64_t arena = kData + 0x1a0, mp = kData + 0x1000;
  LibcData() {
    memory.add_region(kData, 0x2000);
    memory.add_region(kHeap, 0x21000);
    memory.put<uint64_t>(arena + e.arena_next, arena);
    memory.put<uint64_t>(arena + e.arena_top, kHeap + 0x100);
    memory.put<uint64_t>(arena + e.arena_system_mem, 0x21000);
    memory.put<uint64_t>(arena + e.arena_max_system_mem, 0x21000);
    memory.put<uint64_t>(arena + e.arena_attached_threads, 1);
    for (uint32_t i = 0; i + 1 < e.nbins; ++i) {  // every bin empty: pointing at itself
      uint64_t slot = arena + e.arena_bins + 16 * i;
      memory.put<uint64_t>(slot, slot - 16);
      memory.put<uint64_t>(slot + 8, slot - 16);
    }
    uint64_t unsorted = arena + e.arena_bins - 16, free_chunk = kHeap + 0x40;
    memory.put<uint64_t>(arena + e.arena_bins, free_chunk);
    memory.put<uint64_t>(arena + e.arena_bins + 8, free_chunk);
    memory.put<uint64_t>(kHeap + 8, 0x41);                     // in use
    memory.put<uint64_t>(free_chunk + 8, 0xc1);                // free, in the unsorted bin
    memory.put<uint64_t>(free_chunk + 16, unsorted);
    memory.put<uint64_t>(free_chunk + 24, unsorted);
    memory.put<uint64_t>(kHeap + 0x100 + 8, (0x21000 - 0x100) | 1);  // top
    memory.put<uint64_t>(mp + 0, 128 * 1024);                        // trim_threshold
    memory.put<uint64_t>(mp + e.mp_mmap_threshold, 128 * 1024);
    memory.put<uint64_t>(mp + e.mp_arena_test, 8);
    memory.put<int32_t>(mp + e.mp_n_mmaps_max, 65536);
    memory.put<uint64_t>(mp + e.mp_sbrk_base, kHeap);
    memory.put<uint64_t>(mp + e.mp_tcache_bins, 64);
    memory.put<uint64_t>(mp + e.mp_tcache_max_bytes, 1032);
    memory.put<uint64_t>(mp + e.mp_tcache_count, 7);
  }
  std::vector<uint64_t> arenas() {
    return walker::find_main_arena_candidates(memory, e, kData, kData + 0x2000);
  }
  std::vector<uint64_t> pars() {
    return walker::find_mp_candidates(memory, e, arena, kData, kData + 0x2000);
  }
};

}  // namespace

TEST_CASE("main_arena and mp_ are found by their structure alone", "[glibc_layout]") {
  LibcData d;
  CHECK(d.arenas() == std::vector<uint64_t>{d.arena});
  CHECK(d.pars() == std::vector<uint64_t>{d.mp});
}

TEST_CASE("look-alikes of main_arena and mp_ are rejected", "[glibc_layout]") {
  SECTION("a bin whose chunk does not point back") {
    LibcData d;
    d.memory.put<uint64_t>(kHeap + 0x40 + 24, 0);
    CHECK(d.arenas().empty());
  }
  SECTION("a ring that does not return") {
    LibcData d;
    d.memory.put<uint64_t>(d.arena + d.e.arena_next, kHeap + 0x1000);
    CHECK(d.arenas().empty());
  }
  SECTION("top without PREV_INUSE") {
    LibcData d;
    d.memory.put<uint64_t>(kHeap + 0x100 + 8, 0x21000 - 0x100);
    CHECK(d.arenas().empty());
  }
  SECTION("system_mem not a page multiple") {
    LibcData d;
    d.memory.put<uint64_t>(d.arena + d.e.arena_system_mem, 0x21008);
    CHECK(d.arenas().empty());
  }
  SECTION("sbrk_base above top") {
    LibcData d;
    d.memory.put<uint64_t>(d.mp + d.e.mp_sbrk_base, kHeap + 0x200);
    CHECK(d.pars().empty());
  }
  SECTION("mmap counters that disagree") {
    LibcData d;
    d.memory.put<int32_t>(d.mp + d.e.mp_n_mmaps, 1);  // one mapping of 0 bytes
    CHECK(d.pars().empty());
  }
  SECTION("a huge page size that is no power of two") {
    LibcData d;
    d.memory.put<uint64_t>(d.mp + d.e.mp_hp_pagesize, 3 << 20);
    CHECK(d.pars().empty());
  }
}

namespace {

// A copy of the installed libc whose banner claims another release: what a newer distribution's
// libc looks like to the version lookup.
std::string libc_claiming(const std::string& version) {
  std::ifstream in(kLibc, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string from = std::string("release version ") + gnu_get_libc_version() + ".";
  std::string to = "release version " + version + ".";
  REQUIRE(from.size() == to.size());
  size_t at = bytes.find(from);
  REQUIRE(at != std::string::npos);
  bytes.replace(at, from.size(), to);
  std::string path = std::filesystem::temp_directory_path() / ("heapwalk-libc-" + version + ".so.6");
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string layout_error(const std::string& libc_path) {
  lldb::SBDebugger::Initialize();
  lldb::SBDebugger debugger = lldb::SBDebugger::Create(false);
  lldb::SBTarget target = debugger.CreateTarget(libc_path.c_str());
  lldb::SBModule libc = target.GetModuleAtIndex(0);
  target.SetModuleLoadAddress(libc, 0x7f0000000000);
  test::SyntheticImage empty;
  std::string message;
  try {
    walker::builtin_glibc_layout(target, libc, empty);
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  lldb::SBDebugger::Destroy(debugger);
  return message;
}

}  // namespace

TEST_CASE("a glibc without a built-in layout is named in the error", "[glibc_layout]") {
  CHECK(layout_error(libc_claiming("2.42")) ==
        "glibc 2.42 has no built-in malloc layout and libc6-dbg is not installed: install libc's "
        "debug info");
}

TEST_CASE("a libc whose data holds no main_arena says so", "[glibc_layout]") {
  CHECK(layout_error(kLibc) == fmt::format("glibc {} without debug info: no initialised main_arena "
                                           "found in libc's writable data: install libc's debug "
                                           "info (libc6-dbg)",
                                           gnu_get_libc_version()));
}
