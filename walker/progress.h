// What long work is doing, for the front end's progress lines: phases update it where they
// already ask whether to stop (every 64 Ki objects walked, every MiB scanned), and the front
// end's interruption check prints it now and then. One per thread; never blocks.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <thread>
#include <utility>

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

// Loops that take no `interrupted` callback (renderings in report/, regroupings of a set) poll
// the running command's check: the front end sets it for the command's time (InterruptScope),
// and poll_interrupt(), called once per row or element, asks it every 1024 calls (or fewer, for
// heavier rows) and throws
// Interrupted when it says stop. A row costs about a microsecond, so a rendering of millions of
// rows ends within milliseconds of Ctrl-C. Without a scope nothing is asked.
struct InterruptPoll {
  std::function<bool()> check;
  uint32_t calls = 0;
};
inline InterruptPoll& interrupt_poll() {
  thread_local InterruptPoll poll;
  return poll;
}
// `weight`: how many plain rows one call is worth (a row that builds a path: 64).
inline void poll_interrupt(uint32_t weight = 1) {
  InterruptPoll& p = interrupt_poll();
  p.calls += weight;
  if (p.calls < 1024) return;
  p.calls = 0;
  if (p.check && p.check()) throw Interrupted();
}
class InterruptScope {
 public:
  explicit InterruptScope(std::function<bool()> check)
      : previous_(std::exchange(interrupt_poll().check, std::move(check))) {}
  ~InterruptScope() { interrupt_poll().check = std::move(previous_); }
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  std::function<bool()> previous_;
};

// What a long command builds (a million rows and their strings) takes longer to free than
// Ctrl-C may wait. Held in this, it is freed as usual when the command ends, but when an
// exception (Interrupted) unwinds past it, it is handed to a thread that frees it, so the
// command returns at once. Only for values whose destructors touch nothing shared.
template <class T>
class FreedAfterInterrupt {
 public:
  template <class... Args>
  explicit FreedAfterInterrupt(Args&&... args)
      : value_(std::make_unique<T>(std::forward<Args>(args)...)) {}
  ~FreedAfterInterrupt() {
    if (std::uncaught_exceptions() <= exceptions_) return;
    try {
      std::thread([value = std::move(value_)] {}).detach();
    } catch (...) {  // no thread to be had: free it here
    }
  }
  FreedAfterInterrupt(const FreedAfterInterrupt&) = delete;
  FreedAfterInterrupt& operator=(const FreedAfterInterrupt&) = delete;
  T& operator*() { return *value_; }
  T* operator->() { return value_.get(); }

 private:
  int exceptions_ = std::uncaught_exceptions();
  std::unique_ptr<T> value_;
};

inline Progress& progress() {
  thread_local Progress current;
  return current;
}

}  // namespace heapwalk::walker
