// What the steps of the dominator pass (walker/analysis/dominators.cpp) share: the preorder
// index, the stop check, and the second thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <thread>
#include <utility>

#include "walker/progress.h"

namespace heapwalk::walker::dominator_pass {

// Every Mi steps, asks whether to stop (an SB call costs microseconds: never per step). Only
// the calling thread asks; a helper thread stops when told to (HelperThread below).
struct StopCheck {
  const std::function<bool()>& interrupted;
  uint32_t steps = 0;
  void operator()() {
    if (interrupted && (++steps & 0xfffff) == 0 && interrupted()) throw Interrupted();
  }
};

using Index = uint32_t;  // a node's position in DFS preorder
constexpr Index kNone = UINT32_MAX;

// A second thread for work independent of the caller's; joined (after being told to stop) when
// it goes out of scope, also when the caller throws Interrupted.
class HelperThread {
 public:
  HelperThread(bool use, std::function<void(const std::atomic<bool>& stop)> work)
      : work_(std::move(work)) {
    if (use) {
      thread_ = std::thread([this] { work_(stop_); });
    } else {
      work_(stop_);
    }
  }
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  ~HelperThread() {
    stop_ = true;
    join();
  }

 private:
  std::function<void(const std::atomic<bool>&)> work_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Runs fn(lo, hi) over [0, count): the upper half on a second thread when `two`.
template <typename Fn>
void in_halves(bool two, size_t count, const Fn& fn) {
  if (!two || count < 2) {
    fn(size_t{0}, count);
    return;
  }
  const size_t half = count / 2;
  HelperThread upper(true, [&](const std::atomic<bool>&) { fn(half, count); });
  fn(size_t{0}, half);
  upper.join();
}

}  // namespace heapwalk::walker::dominator_pass
