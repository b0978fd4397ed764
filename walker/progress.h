// What long work is doing, for the front end's progress lines: phases update it where they
// already ask whether to stop (every 64 Ki objects walked, every MiB scanned), and the front
// end's interruption check prints it now and then. One per thread; never blocks.
#pragma once

#include <cstdint>
#include <exception>

namespace heapwalk::walker {

// Thrown out of long work when its `interrupted` callback says stop (Ctrl-C).
struct Interrupted : std::exception {
  const char* what() const noexcept override { return "interrupted"; }
};

struct Progress {
  const char* phase = nullptr;  // "walk", nullptr when idle
  uint64_t done = 0, total = 0;  // total 0: not known (done is then a count so far)
  const char* unit = "allocations reached";

  void update(const char* what, uint64_t d, uint64_t t, const char* u = "allocations reached") {
    phase = what;
    done = d;
    total = t;
    unit = u;
  }
  // Whole percent done, at most 99 while running.
  unsigned percent() const {
    if (!total) return 0;
    uint64_t p = done * 100 / total;
    return static_cast<unsigned>(p > 99 ? 99 : p);
  }
};

inline Progress& progress() {
  thread_local Progress current;
  return current;
}

}  // namespace heapwalk::walker
