// leakguard/ticker.hpp - a steady one-tick-every-interval clock (Go's
// time.Ticker), without a background thread.
//
//   leakguard::ticker tick(200ms);
//   while (tick.wait(st)) poll();   // one poll per 200 ms until st fires
//
// Contract:
//  * Ticks are due at start + k * interval (k = 1, 2, ...). wait(st) blocks
//    until the next tick not yet taken is due and returns its due time, or
//    returns nullopt at once when `st` fires or the ticker is stopped.
//  * Like Go's ticker channel (buffer of one), a slow consumer does not get
//    a backlog: ticks that passed while nobody waited collapse into one tick
//    that is returned immediately; the schedule then continues from the most
//    recent due time (no drift, no catch-up burst).
//  * Each tick goes to one waiter. A wait cancelled by `st` leaves its tick
//    for the next waiter.
//  * stop() makes every current and future wait() return nullopt; reset(d)
//    restarts the schedule from now with interval d (and un-stops).
//  * Thread-safe.
//
// ticker vs rate_limiter: a ticker is "exactly one event per interval, no
// bursts"; rate_limiter (rate_limiter.hpp) is "on average `rate` per second,
// up to `burst` at once after idle time". Use a ticker for periodic work,
// a rate_limiter to throttle requests.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <source_location>
#include <stdexcept>
#include <stop_token>

#include "leakguard/detail/tracking.hpp"

namespace leakguard {

class ticker {
 public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;
  using duration = clock::duration;

  // Throws std::invalid_argument if interval <= 0 (as Go's NewTicker panics).
  template <class Rep, class Period>
  explicit ticker(std::chrono::duration<Rep, Period> interval)
      : interval_(checked(std::chrono::duration_cast<duration>(interval))),
        next_(clock::now() + interval_) {}
  ticker(const ticker&) = delete;
  ticker& operator=(const ticker&) = delete;
  // No thread may be blocked in wait() when the ticker is destroyed (call
  // stop() and let the waiters return first).
  ~ticker() = default;

  duration interval() const {
    std::lock_guard lk(mu_);
    return interval_;
  }

  // Blocks until the next tick (returns its due time), or until `st` fires
  // or stop() is called (returns nullopt).
  std::optional<time_point> wait(std::stop_token st = {},
                                 std::source_location where = std::source_location::current()) {
    std::unique_lock lk(mu_);
    const detail::wait_record rec{detail::wait_kind::sleep, "ticker::wait", "ticker", this,
                                  nullptr, 0, where};
    std::optional<detail::blocking_scope> scope;
    for (;;) {
      if (stopped_ || st.stop_requested()) return std::nullopt;
      const time_point now = clock::now();
      if (now >= next_) {
        // Collapse missed ticks into the most recent one.
        const auto missed = (now - next_) / interval_;
        const time_point due = next_ + missed * interval_;
        next_ = due + interval_;
        return due;
      }
      if (!scope) scope.emplace(rec);
      const std::uint64_t gen = generation_;
      const time_point target = next_;
      cv_.wait_until(lk, st, target, [&] { return stopped_ || generation_ != gen; });
    }
  }

  // Stops the ticker: waiters return nullopt. Idempotent.
  void stop() {
    {
      std::lock_guard lk(mu_);
      stopped_ = true;
      ++generation_;
    }
    cv_.notify_all();
  }

  // Restarts the schedule: next tick at now + d. Throws std::invalid_argument
  // if d <= 0.
  template <class Rep, class Period>
  void reset(std::chrono::duration<Rep, Period> d) {
    const duration iv = checked(std::chrono::duration_cast<duration>(d));
    {
      std::lock_guard lk(mu_);
      interval_ = iv;
      next_ = clock::now() + iv;
      stopped_ = false;
      ++generation_;
    }
    cv_.notify_all();
  }

 private:
  static duration checked(duration d) {
    if (d <= duration::zero())
      throw std::invalid_argument("leakguard::ticker: non-positive interval");
    return d;
  }

  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  duration interval_;
  time_point next_;
  std::uint64_t generation_ = 0;
  bool stopped_ = false;
};

}  // namespace leakguard
