// The issue "No libc debug info": with libc6-dbg hidden from LLDB, the chunk census still equals
// the fixture's mallinfo2(), live and from a gcore core, through the built-in layout and the scan
// for main_arena and mp_, and it finds what the debug-info layout finds.
//
// Why a child process: LLDB keeps modules in a process-wide cache, and by the time this file runs
// other tests (and Session's own cache) hold libc.so.6 with its debug info attached; a target
// created now would get that module back whatever the settings say. So the visible test re-runs
// this executable on the hidden [nodebug-child] test, where libc is first loaded with external
// symbol lookup off, and compares what the child wrote with what debug info says here.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "mallinfo_check.h"
#include "sim_fixture.h"
#include "walker/malloc/malloc_heap.h"
#include "walker/session.h"

using namespace heapwalk;
using namespace heapwalk::test;

namespace {

using Results = std::map<std::string, uint64_t>;

lldb::SBModule libc_of(lldb::SBTarget& target) {
  for (uint32_t i = 0; i < target.GetNumModules(); ++i) {
    lldb::SBModule m = target.GetModuleAtIndex(i);
    const char* name = m.GetFileSpec().GetFilename();
    if (name && std::string_view(name).starts_with("libc.so")) return m;
  }
  return {};
}

// libc's load address (its ELF header; its first PT_LOAD starts at file address 0).
uint64_t libc_base(lldb::SBTarget& target) {
  return libc_of(target).GetObjectFileHeaderAddress().GetLoadAddress(target);
}

// Settings that keep LLDB from finding /usr/lib/debug/.build-id/…: set before any target exists.
void require_no_libc_debug_info(lldb::SBTarget& target) {
  lldb::SBModule libc = libc_of(target);
  REQUIRE(libc.IsValid());
  REQUIRE_FALSE(libc.FindFirstType("malloc_state").IsValid());
  REQUIRE(libc.FindSymbols("main_arena").GetSize() == 0);
}


void record(Results& out, const std::string& prefix, const walker::Session& session, uint64_t base) {
  const walker::GlibcLayout& l = session.glibc();
  walker::MallinfoTotals m = session.heap().mallinfo();
  out[prefix + "main_arena"] = l.main_arena - base;
  out[prefix + "mp"] = l.mp - base;
  out[prefix + "arena"] = m.arena;
  out[prefix + "ordblks"] = m.ordblks;
  out[prefix + "smblks"] = m.smblks;
  out[prefix + "hblkhd"] = m.hblkhd;
  out[prefix + "uordblks"] = m.uordblks;
  out[prefix + "fordblks"] = m.fordblks;
  out[prefix + "allocations"] = session.heap().in_use.size();
}

void write_results(const std::string& path, const Results& results) {
  std::ofstream out(path);
  for (const auto& [k, v] : results) out << k << ' ' << v << '\n';
}

Results read_results(const std::string& path) {
  Results results;
  std::ifstream in(path);
  std::string key;
  uint64_t value;
  while (in >> key >> value) results[key] = value;
  return results;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void check_builtin_origins(const walker::GlibcLayout& l) {
  INFO(walker::describe_origins(l));
  CHECK(l.origin.offsets == walker::LayoutOrigin::kBuiltinTable);
  CHECK(l.origin.main_arena == walker::LayoutOrigin::kScanned);
  CHECK(l.origin.mp == walker::LayoutOrigin::kScanned);
  CHECK(l.origin.tcache_key == walker::LayoutOrigin::kMissing);
  CHECK(l.tcache_key_addr == 0);
}

}  // namespace

// Run by the test below in a fresh process: HEAPWALK_NODEBUG_CORE names a core to analyze,
// HEAPWALK_NODEBUG_OUT the file for the results.
TEST_CASE("child: census without libc debug info", "[.][nodebug-child]") {
  const char* core = std::getenv("HEAPWALK_NODEBUG_CORE");
  const char* out = std::getenv("HEAPWALK_NODEBUG_OUT");
  REQUIRE(core);
  REQUIRE(out);
  Results results;
  {
    // Live, stopped at ready() with worker-thread arenas.
    Debugger dbg;
    dbg.hide_libc_debug_info();
    std::string dir = make_work_dir("nodebug-live");
    lldb::SBTarget target = dbg.debugger.CreateTarget(sim_executable().c_str());
    target.BreakpointCreateByName("ready");
    std::vector<const char*> argv{"--threads", "3", nullptr};
    lldb::SBLaunchInfo info(argv.data());
    info.SetWorkingDirectory(dir.c_str());
    lldb::SBError error;
    lldb::SBProcess process = target.Launch(info, error);
    REQUIRE(process.GetState() == lldb::eStateStopped);
    require_no_libc_debug_info(target);
    auto session = walker::Session::current(target);
    check_builtin_origins(session->glibc());
    check_mallinfo(session->heap(), read_truth(dir + "/sim-truth.json"));
    record(results, "live.", *session, libc_base(target));
    process.Kill();
  }
  {
    Debugger dbg;
    dbg.hide_libc_debug_info();
    lldb::SBTarget target = dbg.debugger.CreateTarget(sim_executable().c_str());
    lldb::SBError error;
    lldb::SBProcess process = target.LoadCore(core, error);
    REQUIRE(process.IsValid());
    require_no_libc_debug_info(target);
    auto session = walker::Session::current(target, core);
    check_builtin_origins(session->glibc());
    std::string truth = std::string(core).substr(0, std::string(core).rfind('/')) + "/sim-truth.json";
    check_mallinfo(session->heap(), read_truth(truth));
    record(results, "core.", *session, libc_base(target));
  }
  write_results(out, results);
}

TEST_CASE("chunk census equals mallinfo2 without libc debug info, live and from a core",
          "[malloc][nodebug]") {
  std::string dir = make_work_dir("nodebug");
  std::string core = make_sim_core({"--threads", "2", "--big-block-mb", "16"}, dir);
  std::string out = dir + "/child-results.txt", log = dir + "/child.log";
  setenv("HEAPWALK_NODEBUG_CORE", core.c_str(), 1);
  setenv("HEAPWALK_NODEBUG_OUT", out.c_str(), 1);
  int status = std::system(
      fmt::format("/proc/{}/exe '[nodebug-child]' >{} 2>&1", getpid(), log).c_str());
  INFO(slurp(log));
  REQUIRE(status == 0);
  Results child = read_results(out);
  REQUIRE(child.size() == 18);

  // The same core with debug info: the same arenas and parameters, the same census.
  Debugger dbg;
  lldb::SBTarget target = dbg.debugger.CreateTarget(sim_executable().c_str());
  lldb::SBError error;
  REQUIRE(target.LoadCore(core.c_str(), error).IsValid());
  REQUIRE(libc_of(target).FindFirstType("malloc_state").IsValid());
  auto session = walker::Session::current(target, core);
  CHECK(session->glibc().origin.offsets == walker::LayoutOrigin::kDebugInfo);
  Results with;
  record(with, "core.", *session, libc_base(target));
  for (const auto& [key, value] : with) {
    INFO(key);
    CHECK(child.at(key) == value);
  }
  // Live runs are separate processes, but main_arena and mp_ sit at the same place in libc.
  CHECK(child.at("live.main_arena") == with.at("core.main_arena"));
  CHECK(child.at("live.mp") == with.at("core.mp"));
}
