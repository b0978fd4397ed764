// A second thread for a search that alternates short parallel steps with serial ones
// (walker/analysis/path_search.cpp): it runs one piece of work each time it is started and
// sleeps in between, so the thread is made once per search, not once per step.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

namespace heapwalk::walker {

class RelayThread {
 public:
  explicit RelayThread(std::function<void()> work)
      : work_(std::move(work)), thread_([this] { serve(); }) {}
  // Waits for the work under way (whoever owns what it reads must first tell it to stop).
  ~RelayThread() {
    {
      std::lock_guard lock(mutex_);
      ending_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  RelayThread(const RelayThread&) = delete;
  RelayThread& operator=(const RelayThread&) = delete;

  // Runs the work once more, on the second thread (the last run must be over: done() said so).
  void start() {
    {
      std::lock_guard lock(mutex_);
      ++started_;
    }
    wake_.notify_all();
  }
  // Whether the last run is over, waiting at most `patience` for it; rethrows what it threw.
  bool done(std::chrono::microseconds patience) {
    std::unique_lock lock(mutex_);
    if (!wake_.wait_for(lock, patience, [&] { return finished_ == started_; })) return false;
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
    return true;
  }

 private:
  void serve() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return ending_ || finished_ != started_; });
      if (finished_ == started_) return;  // ending, nothing left to run
      lock.unlock();
      std::exception_ptr failure;
      try {
        work_();
      } catch (...) {  // (bad_alloc) handed to the caller
        failure = std::current_exception();
      }
      lock.lock();
      failure_ = failure;
      finished_ = started_;
      wake_.notify_all();
    }
  }

  std::function<void()> work_;
  std::mutex mutex_;
  std::condition_variable wake_;
  uint64_t started_ = 0, finished_ = 0;
  bool ending_ = false;
  std::exception_ptr failure_;
  std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace heapwalk::walker
