#include "walker/session.h"

#include <algorithm>
#include <vector>
#include <mutex>

#include <fmt/format.h>
#include <lldb/API/SBError.h>

#include "walker/memory/target_memory.h"
#include "walker/recognizer_catalog.h"
#include "walker/suballocators.h"

namespace heapwalk::walker {

using Clock = std::chrono::steady_clock;


Session::Session(lldb::SBTarget target, const std::string& core_path)
    : target_(target),
      process_(target.GetProcess()),
      types_(target, RecognizerCatalog::instance().rules(target)),
      dynamic_(types_, [this](uint64_t addr) { return read_word(addr); }),
      erasure_(types_) {
  auto start = Clock::now();
  memory_ = open_target_memory(process_, core_path);
  record("open memory", start);
  start = Clock::now();
  try {
    // libc's debug info, else the built-in layout for its version (main_arena, mp_ scanned for).
    layout_ = load_glibc_layout(target_, *memory_);
    heap_ = enumerate_glibc_heap(*memory_, layout_);
  } catch (const std::runtime_error& e) {
    // A damaged core explains most other failures: say so first.
    if (memory_->problems().empty()) throw;
    throw std::runtime_error(fmt::format("{}; {}", memory_->problems().front(), e.what()));
  }
  for (const std::string& problem : memory_->problems()) heap_.warnings.push_back(problem);
  for (const ArenaCensus& arena : heap_.arenas)
    malloc_memory_.insert(malloc_memory_.end(), arena.heaps.begin(), arena.heaps.end());
  std::sort(malloc_memory_.begin(), malloc_memory_.end(),
            [](const HeapRange& a, const HeapRange& b) { return a.start < b.start; });
  record("enumerate heap", start);
  carve_program_allocators();
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

std::shared_ptr<Session> Session::current(lldb::SBTarget target, const std::string& core_path) {
  struct Entry {
    lldb::SBTarget target;
    uint32_t process_id, stop_id;
    uint64_t recognizers;  // the recognizer generation its types were compiled with
    std::shared_ptr<Session> session;
  };
  static std::mutex mutex;
  // Never destroyed: at exit LLDB is gone before static destructors run, and the sessions hold
  // SB objects. Keyed by target and process as well as the stop: process ids restart with each
  // debugger, so two debuggers in one program can show the same id and stop id.
  static auto& cache = *new std::vector<Entry>;
  lldb::SBProcess process = target.GetProcess();
  if (!process.IsValid())
    throw std::runtime_error("no process: run the program to a breakpoint, attach, or load a core");
  std::lock_guard lock(mutex);
  uint64_t recognizers = RecognizerCatalog::instance().generation(target);
  for (Entry& e : cache)
    if (e.target == target && e.process_id == process.GetUniqueID() &&
        e.stop_id == process.GetStopID() && e.recognizers == recognizers)
      return e.session;
  auto session = std::make_shared<Session>(target, core_path);
  if (cache.size() >= 4) cache.erase(cache.begin());  // old sessions hold memory images
  cache.push_back({target, process.GetUniqueID(), process.GetStopID(), recognizers, session});
  return session;
}

}  // namespace heapwalk::walker
