// leakguard/weighted_semaphore.hpp - golang.org/x/sync/semaphore.Weighted.
//
//   leakguard::weighted_semaphore mem(1 << 20);   // 1 MiB budget
//   if (!mem.acquire(size, st)) return;           // cancelled
//   leakguard::defer d([&] { mem.release(size); });
//
// Contract (see detail/semaphore_core.hpp for the queueing rules):
//  * acquire(n, st): blocks until n permits are granted (true) or `st`
//    fires (false). Strict FIFO: a large request is not overtaken by small
//    ones. A request larger than the capacity only waits for `st`.
//  * acquire(n) without a token: blocks; throws std::invalid_argument for
//    a request larger than the capacity (it could never return).
//  * try_acquire(n): only when n are free and nobody is queued.
//  * release(n): returns permits; over_release if more than held.
//  * Negative weights: std::invalid_argument.
#pragma once

#include <chrono>
#include <cstddef>
#include <source_location>
#include <stop_token>
#include <utility>

#include "leakguard/detail/semaphore_core.hpp"
#include "leakguard/detail/waiter.hpp"
#include "leakguard/semaphore.hpp"

namespace leakguard {

class weighted_semaphore {
 public:
  explicit weighted_semaphore(std::ptrdiff_t capacity)
      : core_(capacity, capacity, "weighted_semaphore") {}

  void acquire(std::ptrdiff_t n, std::source_location where = std::source_location::current()) {
    core_.acquire(n, nullptr, detail::no_deadline, where);
  }
  [[nodiscard]] bool acquire(std::ptrdiff_t n, const std::stop_token& st,
                             std::source_location where = std::source_location::current()) {
    return core_.acquire(n, &st, detail::no_deadline, where);
  }
  template <class Rep, class Period>
  [[nodiscard]] bool try_acquire_for(std::ptrdiff_t n, const std::chrono::duration<Rep, Period>& d,
                                     const std::stop_token& st = {},
                                     std::source_location where = std::source_location::current()) {
    return core_.acquire(n, &st, detail::after(d), where);
  }
  [[nodiscard]] bool try_acquire(std::ptrdiff_t n,
                                 std::source_location where = std::source_location::current()) {
    return core_.try_acquire(n, where);
  }
  void release(std::ptrdiff_t n, std::source_location where = std::source_location::current()) {
    core_.release(n, where);
  }

  std::ptrdiff_t available() const noexcept { return core_.available(); }
  std::ptrdiff_t capacity() const noexcept { return core_.capacity(); }

 private:
  friend class weighted_semaphore_guard;
  detail::semaphore_core core_;
};

// RAII holder of n permits of a weighted_semaphore.
class weighted_semaphore_guard {
 public:
  weighted_semaphore_guard(weighted_semaphore& s, std::ptrdiff_t n,
                           std::source_location where = std::source_location::current())
      : g_(&s.core_, n, false, where) {
    s.acquire(n, where);
    g_.owns_ = true;
  }
  weighted_semaphore_guard(weighted_semaphore& s, std::ptrdiff_t n, const std::stop_token& st,
                           std::source_location where = std::source_location::current())
      : g_(&s.core_, n, false, where) {
    g_.owns_ = s.acquire(n, st, where);
  }
  weighted_semaphore_guard(weighted_semaphore& s, std::ptrdiff_t n, std::adopt_lock_t,
                           std::source_location where = std::source_location::current()) noexcept
      : g_(&s.core_, n, true, where) {}

  bool owns_lock() const noexcept { return g_.owns_lock(); }
  explicit operator bool() const noexcept { return g_.owns_lock(); }
  void reset() noexcept { g_.reset(); }

 private:
  semaphore_guard g_;
};

}  // namespace leakguard
