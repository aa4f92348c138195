// leakguard/semaphore.hpp - a counting semaphore and its RAII guard.
//
//   leakguard::semaphore sem(4);             // at most 4 at a time
//   {
//     leakguard::semaphore_guard g(sem);     // acquire ...
//     work();
//   }                                        // ... released on every path
//
// Contract:
//  * semaphore(n): n permits, all available; semaphore(initial, max): a
//    capacity of `max` of which `initial` are available (semaphore(0, 1) is
//    a one-shot signal).
//  * acquire() blocks; acquire(st) returns false if `st` fires first;
//    try_acquire() never blocks; try_acquire_for/until give up at a deadline.
//  * Whoever acquired releases, exactly once - through semaphore_guard or a
//    leakguard::defer right after the acquire. Releasing more than was
//    acquired (count above capacity) throws leakguard::over_release and
//    changes nothing.
//  * FIFO: waiters are served in arrival order and a release hands the
//    permit straight to the first waiter (no barging). The semaphore may be
//    destroyed as soon as the last acquire returned.
//  * Not built on std::counting_semaphore (libstdc++ 12 loses wake-ups,
//    GCC PR 98033 / 104928).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <source_location>
#include <stop_token>
#include <utility>

#include "leakguard/detail/semaphore_core.hpp"
#include "leakguard/detail/waiter.hpp"

namespace leakguard {

class semaphore {
 public:
  explicit semaphore(std::ptrdiff_t n) : core_(n, n, "semaphore") {}
  semaphore(std::ptrdiff_t initial, std::ptrdiff_t max) : core_(initial, max, "semaphore") {}

  void acquire(std::source_location where = std::source_location::current()) {
    core_.acquire(1, nullptr, detail::no_deadline, where);
  }
  // False if `st` fired before a permit was granted.
  [[nodiscard]] bool acquire(const std::stop_token& st,
                             std::source_location where = std::source_location::current()) {
    return core_.acquire(1, &st, detail::no_deadline, where);
  }
  [[nodiscard]] bool try_acquire(std::source_location where = std::source_location::current()) {
    return core_.try_acquire(1, where);
  }
  template <class Rep, class Period>
  [[nodiscard]] bool try_acquire_for(const std::chrono::duration<Rep, Period>& d,
                                     const std::stop_token& st = {},
                                     std::source_location where = std::source_location::current()) {
    return core_.acquire(1, &st, detail::after(d), where);
  }
  template <class Clock, class Duration>
  [[nodiscard]] bool try_acquire_until(const std::chrono::time_point<Clock, Duration>& tp,
                                       const std::stop_token& st = {},
                                       std::source_location where = std::source_location::current()) {
    return core_.acquire(1, &st, detail::to_steady(tp), where);
  }
  // Returns `n` permits. Throws over_release if that exceeds the capacity.
  void release(std::ptrdiff_t n = 1,
               std::source_location where = std::source_location::current()) {
    core_.release(n, where);
  }

  std::ptrdiff_t available() const noexcept { return core_.available(); }
  std::ptrdiff_t capacity() const noexcept { return core_.capacity(); }

 private:
  friend class semaphore_guard;
  detail::semaphore_core core_;
};

// Holds one permit of a semaphore (or n of a weighted_semaphore, see
// weighted_semaphore.hpp) and releases it when destroyed. Movable, so a
// permit taken by a dispatcher can travel into the worker that does the job.
class semaphore_guard {
 public:
  // Acquires (blocks).
  explicit semaphore_guard(semaphore& s,
                           std::source_location where = std::source_location::current())
      : core_(&s.core_), where_(where) {
    s.acquire(where);
    owns_ = true;
  }
  // Acquires unless `st` fires first; check owns_lock() / operator bool.
  semaphore_guard(semaphore& s, const std::stop_token& st,
                  std::source_location where = std::source_location::current())
      : core_(&s.core_), where_(where) {
    owns_ = s.acquire(st, where);
  }
  // Takes over a permit the caller already acquired.
  semaphore_guard(semaphore& s, std::adopt_lock_t,
                  std::source_location where = std::source_location::current()) noexcept
      : core_(&s.core_), owns_(true), where_(where) {}
  // Acquires only if a permit is free right now.
  semaphore_guard(semaphore& s, std::try_to_lock_t,
                  std::source_location where = std::source_location::current())
      : core_(&s.core_), where_(where) {
    owns_ = s.try_acquire(where);
  }

  semaphore_guard(semaphore_guard&& o) noexcept
      : core_(o.core_), n_(o.n_), owns_(std::exchange(o.owns_, false)), where_(o.where_) {}
  semaphore_guard& operator=(semaphore_guard&& o) noexcept {
    if (this != &o) {
      reset();
      core_ = o.core_;
      n_ = o.n_;
      owns_ = std::exchange(o.owns_, false);
      where_ = o.where_;
    }
    return *this;
  }
  semaphore_guard(const semaphore_guard&) = delete;
  semaphore_guard& operator=(const semaphore_guard&) = delete;
  ~semaphore_guard() { reset(); }

  bool owns_lock() const noexcept { return owns_; }
  explicit operator bool() const noexcept { return owns_; }

  // Releases now instead of at scope end (no-op if nothing is held).
  void reset() noexcept {
    if (owns_) {
      owns_ = false;
      core_->release(n_, where_);
    }
  }

 private:
  friend class weighted_semaphore_guard;
  semaphore_guard(detail::semaphore_core* core, std::ptrdiff_t n, bool owns,
                  std::source_location where) noexcept
      : core_(core), n_(n), owns_(owns), where_(where) {}

  detail::semaphore_core* core_;
  std::ptrdiff_t n_ = 1;
  bool owns_ = false;
  std::source_location where_;
};

}  // namespace leakguard
