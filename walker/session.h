// One stopped process or core, analyzed: its memory, its malloc heap, its compiled types.
// Built once per stop (keyed by the process's stop id), shared by every command at that stop.
#pragma once

#include <algorithm>
#include <chrono>
#include <map>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <lldb/API/SBProcess.h>
#include <lldb/API/SBTarget.h>

#include "typeinfo/dynamic_types.h"
#include "typeinfo/type_erasure.h"
#include "typeinfo/type_registry.h"
#include "walker/graph/heap_graph.h"
#include "walker/graph/kinds.h"
#include "walker/graph/typed_walk.h"
#include "walker/malloc/malloc_heap.h"
#include "walker/memory/memory_image.h"

namespace heapwalk::walker {

struct PhaseTiming {
  std::string phase;
  double seconds = 0;
};

// Why the target's heap cannot be read, in one line naming the cause, before anything touches
// the target: no target or process; a process running, exited or detached; a core of another
// build or program (by build-id); not x86-64; malloc not glibc's (jemalloc, tcmalloc…
// preloaded or linked; a static program). Empty when it can.
std::string unsupported_target(lldb::SBTarget target, const std::string& core_path = {});

class Session {
 public:
  // Opens the memory image and enumerates the heap. Throws std::runtime_error with a reason.
  // Throws Interrupted when `interrupted` says stop while the heap is enumerated.
  Session(lldb::SBTarget target, const std::string& core_path,
          const std::function<bool()>& interrupted = {});

  // The session for the target's current stop: reused while the process has not run since.
  static std::shared_ptr<Session> current(lldb::SBTarget target, const std::string& core_path = {},
                                          const std::function<bool()>& interrupted = {});

  lldb::SBTarget& target() { return target_; }
  lldb::SBProcess& process() { return process_; }
  // Whether the process is still at the stop this session was opened at (a core always is).
  bool at_its_stop() { return process_.IsValid() && process_.GetStopID(true) == stop_id_; }
  const MemoryImage& memory() const { return *memory_; }
  const MallocHeap& heap() const { return heap_; }
  const GlibcLayout& glibc() const { return layout_; }
  typeinfo::TypeRegistry& types() { return types_; }
  typeinfo::DynamicTypes& dynamic() { return dynamic_; }
  typeinfo::TypeErasure& erasure() { return erasure_; }
  KindTable& kinds() { return kinds_; }
  // What a walk of this stop's heap reads and names through.
  WalkContext walk_context() {
    return WalkContext{*memory_, heap_.in_use, types_, dynamic_, erasure_, kinds_, &malloc_memory_};
  }

  // The whole process's heap graph of this stop, once built (walker/analysis/process_graph.h).
  std::shared_ptr<const ProcessGraph> cached_graph() const { return graph_; }
  void cache_graph(std::shared_ptr<const ProcessGraph> graph) { graph_ = std::move(graph); }

  // Notes on this stop (a program without debug info) and recognizer rules that could not apply
  // to a type, not yet shown: each is warned about once.
  std::vector<std::string> take_new_problems() {
    std::vector<std::string> fresh;
    if (!notes_shown_) fresh = notes_;
    notes_shown_ = true;
    const auto& all = types_.problems();
    fresh.insert(fresh.end(), all.begin() + std::min(problems_shown_, all.size()), all.end());
    problems_shown_ = all.size();
    return fresh;
  }
  // What limits this stop's answers without being wrong with it: "no debug info …".
  const std::vector<std::string>& notes() const { return notes_; }

  // True the first time it is asked for `what` at this stop: what is said once per stop (the
  // heap's warnings) is said by the first command that asks.
  bool claim_once(const std::string& what) const { return claimed_.insert(what).second; }

  // Drops every cached session: the next command at any stop builds its own (tests of
  // determinism; nothing else needs it, as sessions are keyed by stop).
  static void forget_all();

  // Results of analyses at this stop (a dominator tree per edge filter, ...), by key.
  std::shared_ptr<const void> memo(const std::string& key) const {
    auto it = memo_.find(key);
    return it == memo_.end() ? nullptr : it->second;
  }
  void memoize(const std::string& key, std::shared_ptr<const void> value) {
    memo_[key] = std::move(value);
  }

  // Wall time of each phase so far (open, enumerate, then what commands add).
  const std::vector<PhaseTiming>& timings() const { return timings_; }
  void record(std::string phase, std::chrono::steady_clock::time_point since);

 private:
  std::optional<uint64_t> read_word(uint64_t addr);
  void carve_program_allocators();
  void note_missing_debug_info();

  lldb::SBTarget target_;
  lldb::SBProcess process_;
  uint32_t stop_id_ = 0;  // the process's stop id when the session was opened
  std::unique_ptr<MemoryImage> memory_;
  GlibcLayout layout_;
  MallocHeap heap_;
  std::vector<HeapRange> malloc_memory_;  // the arenas' heaps, sorted
  typeinfo::TypeRegistry types_;
  typeinfo::DynamicTypes dynamic_;
  typeinfo::TypeErasure erasure_;
  KindTable kinds_;
  std::vector<PhaseTiming> timings_;
  std::shared_ptr<const ProcessGraph> graph_;
  std::map<std::string, std::shared_ptr<const void>> memo_;
  size_t problems_shown_ = 0;
  std::vector<std::string> notes_;
  mutable std::set<std::string> claimed_;
  bool notes_shown_ = false;
};

}  // namespace heapwalk::walker
