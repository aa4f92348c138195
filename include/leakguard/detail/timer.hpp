// leakguard/detail/timer.hpp - the one shared thread that fires context
// deadlines.
//
// Contexts with a deadline register here instead of owning a thread. The
// thread ("leakguard-timer") is started lazily when the first deadline is
// armed and exits as soon as no deadline is pending, so a program (or test)
// whose contexts are all done or destroyed has no timer thread left.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "leakguard/detail/futex.hpp"
#include "leakguard/detail/tracking.hpp"

#if defined(__linux__)
#include <pthread.h>
#endif

namespace leakguard::detail {

struct context_state;

struct timer_entry {
  context_state* raw;                   // valid while the entry exists
  std::weak_ptr<context_state> weak;
};
using timer_queue = std::multimap<steady_time, timer_entry>;

// Fields of a context_state owned by the timer (guarded by its mutex).
struct timer_slot {
  bool armed = false;
  timer_queue::iterator pos{};
};

class deadline_timer {
 public:
  static deadline_timer& instance() {
    // Never destroyed: contexts may outlive static destruction order.
    static deadline_timer* t = new deadline_timer();
    return *t;
  }

  // Arms `slot` to call fire(s) at `at`.
  void arm(timer_slot& slot, context_state* raw, std::weak_ptr<context_state> weak,
           steady_time at) {
    std::lock_guard lk(mu_);
    slot.pos = q_.emplace(at, timer_entry{raw, std::move(weak)});
    slot.armed = true;
    if (!running_) {
      running_ = true;
      library_thread_creation mine;  // the tracker ignores it by default
      std::thread t([this] { run(); });
#if defined(__linux__)
      pthread_setname_np(t.native_handle(), "leakguard-timer");  // visible at once
#endif
      // The timer thread belongs to a never-destroyed singleton and ends by
      // itself once no deadline is pending: nobody joins it, by design.
      t.detach();  // NOLINT(leakguard-detached-thread): process-lifetime daemon
    } else if (slot.pos == q_.begin()) {
      cv_.notify_one();
    }
  }

  void disarm(timer_slot& slot) noexcept {
    std::lock_guard lk(mu_);
    if (!slot.armed) return;
    q_.erase(slot.pos);
    slot.armed = false;
    if (q_.empty()) cv_.notify_one();  // let the thread exit
  }

 private:
  deadline_timer() = default;
  inline void run();

  std::mutex mu_;
  std::condition_variable cv_;
  timer_queue q_;
  bool running_ = false;
};

}  // namespace leakguard::detail
