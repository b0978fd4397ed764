#include "walker/session.h"

#include <algorithm>
#include <vector>
#include <mutex>
#include <string_view>

#include <fmt/format.h>
#include <lldb/API/SBError.h>
#include <lldb/API/SBCompileUnit.h>
#include <lldb/API/SBFileSpec.h>
#include <lldb/API/SBModule.h>
#include <lldb/API/SBPlatform.h>

#include "walker/memory/allocator.h"
#include "walker/memory/build_id.h"
#include "walker/memory/core_file.h"
#include "walker/memory/process_threads.h"
#include "walker/memory/symbols.h"
#include "walker/memory/target_memory.h"
#include "walker/recognizer_catalog.h"
#include "walker/suballocators.h"

namespace heapwalk::walker {

using Clock = std::chrono::steady_clock;


Session::Session(lldb::SBTarget target, const std::string& core_path,
                 const std::function<bool()>& interrupted)
    : target_(target),
      process_(target.GetProcess()),
      types_(target, RecognizerCatalog::instance().rules(target)),
      dynamic_(types_, [this](uint64_t addr) { return read_word(addr); }),
      erasure_(types_) {
  stop_id_ = process_.GetStopID(true);
  auto start = Clock::now();
  memory_ = open_target_memory(process_, core_path);
  record("open memory", start);

  start = Clock::now();
  try {
    // libc's debug info, else the built-in layout for its version (main_arena, mp_ scanned for).
    layout_ = load_glibc_layout(target_, *memory_);
    heap_ = enumerate_glibc_heap(*memory_, layout_, interrupted);
  } catch (const std::runtime_error& e) {
    // A damaged core explains most other failures: say so first. A truncated one lost what the
    // failure names (its notes list the libraries), so the failure is no cause of its own.
    if (memory_->problems().empty()) throw;
    const std::string& damage = memory_->problems().front();
    if (damage.find(" is truncated ") != std::string::npos)
      throw std::runtime_error(fmt::format("{}: heapwalk needs the whole core (gcore again, with "
                                           "the disk space for it)", damage));
    throw std::runtime_error(fmt::format("{}; {}", damage, e.what()));
  }
  for (const std::string& problem : memory_->problems()) heap_.warnings.push_back(problem);
  for (const ArenaCensus& arena : heap_.arenas)
    malloc_memory_.insert(malloc_memory_.end(), arena.heaps.begin(), arena.heaps.end());
  std::sort(malloc_memory_.begin(), malloc_memory_.end(),
            [](const HeapRange& a, const HeapRange& b) { return a.start < b.start; });
  record("enumerate heap", start);
  carve_program_allocators();
  note_missing_debug_info();
}

namespace {
// glibc's other libraries, which libc6-dbg gives debug info too (libm: any C++ program).
bool glibc_library(std::string_view name) {
  for (std::string_view lib : {"libm.so", "libmvec.so", "libpthread.so", "libdl.so", "librt.so",
                               "libresolv.so", "libutil.so", "libanl.so", "libnss_", "libthread_db",
                               "libBrokenLocale.so", "libc_malloc_debug.so", "libmemusage.so"})
    if (name.starts_with(lib)) return true;
  return false;
}
}  // namespace

// Without DWARF in the program's own modules the typed walk has no types to start from: kinds
// come from vtables, reachability from the conservative scan. Said once, not left to guess.
void Session::note_missing_debug_info() {
  std::vector<std::string> without;
  for (uint32_t i = 0; i < target_.GetNumModules(); ++i) {
    lldb::SBModule module = target_.GetModuleAtIndex(i);
    const char* name = module.GetFileSpec().GetFilename();
    if (!name || is_system_runtime(module) || std::string_view(name).starts_with("[vdso]") ||
        std::string_view(name).starts_with("linux-vdso") || glibc_library(name))
      continue;
    // Compile units of C, C++… (the startup files' assembly units do not count).
    for (uint32_t u = 0; u < module.GetNumCompileUnits(); ++u) {
      lldb::LanguageType language = module.GetCompileUnitAtIndex(u).GetLanguage();
      if (language != lldb::eLanguageTypeUnknown && language != lldb::eLanguageTypeMipsAssembler)
        return;
    }
    if (i == 0) without.push_back(name);
  }
  if (without.empty()) return;
  notes_.push_back(fmt::format(
      "{} has no debug info (built without -g?): the typed walk had no types; kinds come from "
      "vtables, reachability from the conservative scan",
      without.front()));
}

// The program's own allocators' blocks become their units; outside a unit, a block is no place
// to walk a typed object (as malloc's own memory outside a chunk is not).
void Session::carve_program_allocators() {
  auto start = Clock::now();  // the rules' allocators, and the built-in ones (suballocators.h)
  std::vector<HeapRange> blocks = carve_suballocators(target_, *memory_, layout_, heap_, types_);
  if (blocks.empty()) return;
  malloc_memory_.insert(malloc_memory_.end(), blocks.begin(), blocks.end());
  std::sort(malloc_memory_.begin(), malloc_memory_.end(),
            [](const HeapRange& a, const HeapRange& b) { return a.start < b.start; });
  std::vector<HeapRange> merged;
  for (const HeapRange& r : malloc_memory_) {
    if (!merged.empty() && r.start <= merged.back().end) merged.back().end = std::max(merged.back().end, r.end);
    else merged.push_back(r);
  }
  malloc_memory_ = std::move(merged);
  record("carve the program's allocators", start);
}

// Vtables may live only in the executable's file (a core leaves unmodified pages out), so
// fall back to LLDB, which reads the file.
std::optional<uint64_t> Session::read_word(uint64_t addr) {
  if (auto w = memory_->load<uint64_t>(addr)) return w;
  uint64_t value = 0;
  lldb::SBError error;
  if (process_.ReadMemory(addr, &value, sizeof value, error) == sizeof value && error.Success())
    return value;
  return std::nullopt;
}

void Session::record(std::string phase, Clock::time_point since) {
  timings_.push_back({std::move(phase), std::chrono::duration<double>(Clock::now() - since).count()});
}

namespace {
// What the process's state says (checked at every command: a cached session is of a stop).
std::string unsupported_state(lldb::SBTarget& target) {
  if (!target.IsValid()) return "no target: create one or load a core first";
  lldb::SBProcess process = target.GetProcess();
  if (!process.IsValid())
    return "no process: run the program to a breakpoint, attach, or load a core";
  // Nothing below reads the target's memory or asks for its regions: a running process would
  // answer with an empty heap, and asking lldb-server for regions while it runs breaks it.
  switch (process.GetState()) {
    case lldb::eStateStopped:
    case lldb::eStateCrashed:
    case lldb::eStateSuspended:
      break;
    case lldb::eStateRunning:
    case lldb::eStateStepping:
    case lldb::eStateLaunching:
    case lldb::eStateAttaching:
      return "the process is running: stop it first (process interrupt, or a breakpoint)";
    case lldb::eStateExited: {
      const char* why = process.GetExitDescription();
      return fmt::format("the process has exited (status {}{}): run it again to a breakpoint",
                         process.GetExitStatus(), why && *why ? fmt::format(", {}", why) : "");
    }
    case lldb::eStateDetached:
      return "the process is detached: attach to it again";
    default:
      return "no process: run the program to a breakpoint, attach, or load a core";
  }
  // LLDB's state can be stale (after a synchronous detach it still says stopped): on this
  // machine, ask the kernel whether every thread really is stopped.
  const char* platform = target.GetPlatform().GetName();
  if (!is_core(process) && platform && std::string_view(platform) == "host") {
    std::string running = running_thread(process.GetProcessID());
    if (!running.empty())
      return fmt::format("the process is not stopped ({} runs: detached, or resumed by another "
                         "tool): stop it, or attach to it again",
                         running);
  }
  return {};
}

// What the program is (checked when a stop's session is made).
std::string unsupported_program(lldb::SBTarget& target, const std::string& core_path) {
  // A core of another program, or of another build of this one, would be read through the
  // wrong symbols and types (LLDB may not even find its libraries): refused first, build-ids
  // compared whatever the files are called.
  lldb::SBProcess process = target.GetProcess();
  bool core_maps_libc = false;
  if (is_core(process))
    if (std::string core = core_file_of(process, core_path); !core.empty()) {
      char exe[4096];
      if (target.GetExecutable().GetPath(exe, sizeof exe))
        if (std::string mismatch = build_id_mismatch(exe, core); !mismatch.empty()) return mismatch;
      for (const CoreFileMapping& file : read_core_file(core).files)
        core_maps_libc |= file.path.find("/libc.so") != std::string::npos;
      // A damaged core (truncated: gdb writes its notes last) is named as damaged by the
      // session, not taken for a static program because LLDB found no libraries in it.
      try {
        core_maps_libc |= !open_core_image(core)->problems().empty();
      } catch (const std::exception&) {
        core_maps_libc = true;
      }
    }
  const char* triple = target.GetTriple();
  std::string_view arch = triple ? triple : "";
  if (!arch.starts_with("x86_64-") || target.GetAddressByteSize() != 8)
    return fmt::format("heapwalk reads x86-64 targets; this one is {}{}",
                       arch.empty() ? "of an unknown architecture" : std::string(arch),
                       target.GetAddressByteSize() == 4 ? " (32-bit)" : "");
  // A core whose process mapped libc.so.6 but whose libraries LLDB could not load, or a damaged
  // core, is not a static program: the session says what is wrong with the core.
  if (core_maps_libc && !find_libc(target).IsValid()) return {};
  return unsupported_allocator(target);
}
}  // namespace

std::string unsupported_target(lldb::SBTarget target, const std::string& core_path) {
  std::string why = unsupported_state(target);
  return why.empty() ? unsupported_program(target, core_path) : why;
}

namespace {
struct Entry {
  lldb::SBTarget target;
  uint32_t process_id, stop_id;
  uint64_t recognizers;  // the recognizer generation its types were compiled with
  std::shared_ptr<Session> session;
};
std::mutex cache_mutex;
// Never destroyed: at exit LLDB is gone before static destructors run, and the sessions hold
// SB objects. Keyed by target and process as well as the stop (expression stops included: code
// run in the target changes its memory): process ids restart with each debugger, so two
// debuggers in one program can show the same id and stop id.
std::vector<Entry>& session_cache() {
  static auto& cache = *new std::vector<Entry>;
  return cache;
}
}  // namespace

void Session::forget_all() {
  std::lock_guard lock(cache_mutex);
  session_cache().clear();
}

std::shared_ptr<Session> Session::current(lldb::SBTarget target, const std::string& core_path,
                                          const std::function<bool()>& interrupted) {
  auto& cache = session_cache();
  auto& mutex = cache_mutex;
  lldb::SBProcess process = target.GetProcess();
  if (std::string refusal = unsupported_state(target); !refusal.empty())
    throw std::runtime_error(refusal);
  std::lock_guard lock(mutex);
  uint64_t recognizers = RecognizerCatalog::instance().generation(target);
  for (Entry& e : cache)
    if (e.target == target && e.process_id == process.GetUniqueID() &&
        e.stop_id == process.GetStopID(true) && e.recognizers == recognizers)
      return e.session;
  if (std::string refusal = unsupported_program(target, core_path); !refusal.empty())
    throw std::runtime_error(refusal);
  auto session = std::make_shared<Session>(target, core_path, interrupted);
  if (cache.size() >= 4) cache.erase(cache.begin());  // old sessions hold memory images
  cache.push_back({target, process.GetUniqueID(), process.GetStopID(true), recognizers, session});
  return session;
}

}  // namespace heapwalk::walker
