#include "walker/session.h"

#include <map>
#include <mutex>

#include <fmt/format.h>
#include <lldb/API/SBError.h>

#include "walker/target_memory.h"

namespace heapwalk::walker {

using Clock = std::chrono::steady_clock;


Session::Session(lldb::SBTarget target, const std::string& core_path)
    : target_(target),
      process_(target.GetProcess()),
      types_(target),
      dynamic_(types_, [this](uint64_t addr) { return read_word(addr); }) {
  auto start = Clock::now();
  memory_ = open_target_memory(process_, core_path);
  record("open memory", start);
  start = Clock::now();
  try {
    layout_ = load_glibc_layout(target_);
    heap_ = enumerate_glibc_heap(*memory_, layout_);
  } catch (const std::runtime_error& e) {
    // A damaged core explains most other failures: say so first.
    if (memory_->problems().empty()) throw;
    throw std::runtime_error(fmt::format("{}; {}", memory_->problems().front(), e.what()));
  }
  for (const std::string& problem : memory_->problems()) heap_.warnings.push_back(problem);
  record("enumerate heap", start);
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
  static std::mutex mutex;
  // Per process (LLDB's unique id): the stop id the session was built at, and the session.
  // Never destroyed: at exit LLDB is gone before static destructors run, and the sessions hold
  // SB objects.
  static auto& cache = *new std::map<uint32_t, std::pair<uint32_t, std::shared_ptr<Session>>>;
  lldb::SBProcess process = target.GetProcess();
  if (!process.IsValid())
    throw std::runtime_error("no process: run the program to a breakpoint, attach, or load a core");
  std::lock_guard lock(mutex);
  auto it = cache.find(process.GetUniqueID());
  if (it != cache.end() && it->second.first == process.GetStopID()) return it->second.second;
  auto session = std::make_shared<Session>(target, core_path);
  if (cache.size() >= 4) cache.clear();  // sessions of old processes hold their memory images
  cache[process.GetUniqueID()] = {process.GetStopID(), session};
  return session;
}

}  // namespace heapwalk::walker
