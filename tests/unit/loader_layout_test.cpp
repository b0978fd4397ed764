// ld.so's layout for the thread lists and link_maps (walker/roots/loader_layout.h): the built-in
// table's entry for the installed glibc against libc6-dbg's DWARF, field by field, and what
// happens without debug info.
#include <catch2/catch.hpp>

#include <gnu/libc-version.h>

#include <lldb/API/LLDB.h>

#include "walker/roots/loader_layout.h"

using namespace heapwalk;
using walker::LoaderLayout;

namespace {

constexpr const char* kLoader = "/lib64/ld-linux-x86-64.so.2";

void check_equal(const LoaderLayout& a, const LoaderLayout& b) {
  CHECK(a.ns_loaded == b.ns_loaded);
  CHECK(a.stack_used == b.stack_used);
  CHECK(a.stack_user == b.stack_user);
  CHECK(a.stack_cache == b.stack_cache);
  CHECK(a.tls_static_size == b.tls_static_size);
  CHECK(a.l_name == b.l_name);
  CHECK(a.l_next == b.l_next);
  CHECK(a.l_tls_offset == b.l_tls_offset);
  CHECK(a.pthread_list == b.pthread_list);
  CHECK(a.pthread_tid == b.pthread_tid);
  CHECK(a.pthread_size == b.pthread_size);
}

}  // namespace

TEST_CASE("the loader table's entry for the installed glibc equals ld.so's DWARF",
          "[loader_layout][dwarf]") {
  const LoaderLayout* entry = walker::find_builtin_loader_layout(gnu_get_libc_version());
  REQUIRE(entry);  // a glibc without an entry: transcribe one (and run this test)
  lldb::SBDebugger::Initialize();
  lldb::SBDebugger debugger = lldb::SBDebugger::Create(false);
  lldb::SBTarget target = debugger.CreateTarget(kLoader);
  REQUIRE(target.IsValid());
  REQUIRE(target.FindFirstGlobalVariable("_rtld_global").GetType().IsValid());  // libc6-dbg
  // No table for this "version": every field must come from the DWARF.
  LoaderLayout dwarf = walker::loader_layout(target, "0.0");
  CHECK_FALSE(dwarf.from_table);
  check_equal(dwarf, *entry);
  // With a version that has an entry, the DWARF still wins where it is.
  CHECK_FALSE(walker::loader_layout(target, gnu_get_libc_version()).from_table);
  lldb::SBDebugger::Destroy(debugger);
}

TEST_CASE("without ld.so's debug info the table's entry is used, or the error names the version",
          "[loader_layout]") {
  lldb::SBDebugger::Initialize();
  lldb::SBDebugger debugger = lldb::SBDebugger::Create(false);
  lldb::SBTarget empty = debugger.CreateTarget("");  // no module, so no debug info at all
  LoaderLayout builtin = walker::loader_layout(empty, "2.36");
  CHECK(builtin.from_table);
  CHECK(builtin.version == "2.36");
  check_equal(builtin, *walker::find_builtin_loader_layout("2.36"));
  CHECK(builtin.pthread_size == 2368);  // struct pthread (TLS_TCB_SIZE) in Debian 12's 2.36
  try {
    walker::loader_layout(empty, "2.99");
    FAIL("no error for a glibc without an entry");
  } catch (const walker::LoaderDataMissing& e) {
    CHECK(std::string(e.what()) ==
          "no debug info for _rtld_global._dl_ns and no built-in loader layout for glibc 2.99: "
          "install libc6-dbg");
  }
  CHECK_FALSE(walker::find_builtin_loader_layout("2.35"));
  lldb::SBDebugger::Destroy(debugger);
}
