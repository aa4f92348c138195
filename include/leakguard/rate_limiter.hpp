// leakguard/rate_limiter.hpp - a token-bucket rate limiter (how OFTEN), the
// analog of golang.org/x/time/rate.Limiter.
//
//   leakguard::rate_limiter lim(10.0, 3);   // 10 events/s, bursts of up to 3
//   if (lim.allow()) handle();              // non-blocking: take a token or not
//   if (auto ec = lim.wait(ctx)) return ec; // blocking: wait for a token
//
// Model: a bucket holds at most `burst` tokens and refills at `rate` tokens
// per second. It starts full, so after an idle period `burst` events pass at
// once, then the steady rate applies. Each event takes one token (n for the
// _n variants).
//
// Contract:
//  * allow()/allow_n(n) never block: they take n tokens if the bucket has
//    them now and return true, otherwise take nothing and return false.
//  * wait()/wait_n() reserve n tokens (possibly going into debt) and sleep
//    until the reservation comes due. They fail AT ONCE, taking nothing, when
//      - n > burst (the bucket can never hold n): rate_errc::exceeds_burst;
//      - the wait would end after the deadline (a context's deadline, or the
//        one given to wait_until): errc::deadline_exceeded;
//      - rate is 0 and the bucket lacks n tokens (it never refills):
//        rate_errc::never_available;
//      - the stop token / context is already done: errc::canceled (or the
//        context's err()).
//    When the stop token fires (or the context is cancelled) DURING the sleep
//    the reservation is cancelled: its tokens are given back to the bucket
//    (minus what later reservations already count on, as x/time/rate does)
//    and wait returns errc::canceled (with a context: ctx.err()).
//    Success is an empty std::error_code.
//  * rate == rate_limiter::unlimited (infinity): everything is allowed at
//    once, burst is ignored.
//  * burst == 0 (and a finite rate): nothing is ever allowed; allow() is
//    false and wait_n(n >= 1) fails at once with exceeds_burst. n == 0 is
//    always allowed.
//  * rate == 0: the bucket starts with `burst` tokens and never refills;
//    once they are used, allow() is false and wait fails at once with
//    never_available (it does not hang).
//  * Thread-safe: any number of threads may call any member at once.
//
// rate_limiter vs ticker vs semaphore: a ticker (ticker.hpp) fires at a
// steady interval with no burst - one event per tick. A rate_limiter allows
// bursts after idle time. Neither bounds how many operations run AT ONCE;
// that is a semaphore's job (semaphore.hpp, task_group::set_limit). They
// compose: `lim.wait(ctx)` then `semaphore_guard g(sem)` caps both how often
// work starts and how much of it is in flight.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <limits>
#include <mutex>
#include <source_location>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <system_error>

#include "leakguard/context.hpp"
#include "leakguard/detail/tracking.hpp"
#include "leakguard/errors.hpp"

namespace leakguard {

// Why a rate_limiter wait failed without waiting (besides errc::canceled and
// errc::deadline_exceeded).
enum class rate_errc {
  exceeds_burst = 1,    // n > burst: the bucket can never hold n tokens
  never_available = 2,  // rate 0 and not enough tokens left: they never come
};

namespace detail {
class rate_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "leakguard.rate"; }
  std::string message(int ev) const override {
    switch (static_cast<rate_errc>(ev)) {
      case rate_errc::exceeds_burst:
        return "rate: wait(n) exceeds the limiter's burst";
      case rate_errc::never_available:
        return "rate: tokens will never be available (rate 0)";
    }
    return "unknown rate_limiter error";
  }
};

// Sleeps until `until` or until `st` fires, recording the wait for the leak
// tracker. Returns true when the time came, false when stopped first.
inline bool sleep_until_or_stop(std::chrono::steady_clock::time_point until,
                                const std::stop_token& st, const wait_record& rec) {
  if (std::chrono::steady_clock::now() >= until) return true;
  if (st.stop_requested()) return false;
  blocking_scope scope(rec);
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lk(m);
  while (!st.stop_requested() && std::chrono::steady_clock::now() < until)
    cv.wait_until(lk, st, until, [] { return false; });
  return std::chrono::steady_clock::now() >= until;
}
}  // namespace detail

inline const std::error_category& rate_category() noexcept {
  static const detail::rate_category_impl category;
  return category;
}

inline std::error_code make_error_code(rate_errc e) noexcept {
  return {static_cast<int>(e), rate_category()};
}

}  // namespace leakguard

template <>
struct std::is_error_code_enum<leakguard::rate_errc> : std::true_type {};

namespace leakguard {

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;

  // Rate meaning "no limit".
  static constexpr double unlimited = std::numeric_limits<double>::infinity();

  // The rate of one event every `d` (d <= 0 means unlimited).
  template <class Rep, class Period>
  static double every(std::chrono::duration<Rep, Period> d) {
    const double s = std::chrono::duration<double>(d).count();
    return s <= 0 ? unlimited : 1.0 / s;
  }

  // `rate` tokens per second (>= 0, or unlimited), bucket of `burst`. The
  // bucket starts full. Throws std::invalid_argument for a negative or NaN
  // rate.
  rate_limiter(double rate, std::size_t burst)
      : rate_(checked(rate)), burst_(burst), tokens_(static_cast<double>(burst)),
        last_(clock::now()), last_event_(last_) {}
  rate_limiter(const rate_limiter&) = delete;
  rate_limiter& operator=(const rate_limiter&) = delete;

  double rate() const {
    std::lock_guard lk(mu_);
    return rate_;
  }
  std::size_t burst() const {
    std::lock_guard lk(mu_);
    return burst_;
  }
  // Tokens available at `now` (negative while reservations are in debt).
  double tokens(time_point now = clock::now()) const {
    std::lock_guard lk(mu_);
    return advanced(now);
  }

  // Changes the rate / burst from now on (tokens so far are kept, capped at
  // the new burst).
  void set_rate(double rate, time_point now = clock::now()) {
    std::lock_guard lk(mu_);
    tokens_ = advanced(now);
    last_ = std::max(last_, now);
    rate_ = checked(rate);
  }
  void set_burst(std::size_t burst, time_point now = clock::now()) {
    std::lock_guard lk(mu_);
    tokens_ = advanced(now);
    last_ = std::max(last_, now);
    burst_ = burst;
    tokens_ = std::min(tokens_, static_cast<double>(burst_));
  }

  // --- non-blocking -------------------------------------------------------

  bool allow() { return allow_at(clock::now(), 1); }
  bool allow_n(std::size_t n) { return allow_at(clock::now(), n); }
  // As allow_n(n) with an explicit "now" (deterministic tests, replay).
  bool allow_at(time_point now, std::size_t n) {
    std::lock_guard lk(mu_);
    return reserve_locked(now, n, clock::duration::zero()).ok;
  }

  // --- blocking -----------------------------------------------------------

  // Waits for one token. See the header comment for the failures.
  std::error_code wait(std::stop_token st = {},
                       std::source_location where = std::source_location::current()) {
    return wait_until(1, st, no_deadline(), where);
  }
  std::error_code wait_n(std::size_t n, std::stop_token st = {},
                         std::source_location where = std::source_location::current()) {
    return wait_until(n, st, no_deadline(), where);
  }
  // With a context: stops when it is done (returning its err()) and fails at
  // once when the wait would pass its deadline.
  std::error_code wait(const context& ctx,
                       std::source_location where = std::source_location::current()) {
    return wait_n(1, ctx, where);
  }
  std::error_code wait_n(std::size_t n, const context& ctx,
                         std::source_location where = std::source_location::current()) {
    const auto dl = ctx.deadline();
    std::error_code ec = wait_until(n, ctx.token(), dl ? *dl : no_deadline(), where);
    if (ec == errc::canceled && ctx.err()) return ctx.err();
    return ec;
  }
  // The core: waits for n tokens, giving up at once if they would come after
  // `deadline`, or early (returning its tokens) when `st` fires.
  std::error_code wait_until(std::size_t n, std::stop_token st, time_point deadline,
                             std::source_location where = std::source_location::current()) {
    time_point now = clock::now();
    reservation r;
    {
      std::lock_guard lk(mu_);
      if (rate_ != unlimited && n > burst_) return rate_errc::exceeds_burst;
      if (st.stop_requested()) return errc::canceled;
      const clock::duration max_wait =
          deadline == no_deadline() ? clock::duration::max() : deadline - now;
      r = reserve_locked(now, n, max_wait);
      if (!r.ok) {
        if (rate_ == 0) return rate_errc::never_available;
        return errc::deadline_exceeded;
      }
    }
    if (r.time_to_act <= now) return {};
    const detail::wait_record rec{detail::wait_kind::rate_limiter_wait, "rate_limiter::wait",
                                  "rate_limiter", this, nullptr, burst(), where};
    if (detail::sleep_until_or_stop(r.time_to_act, st, rec)) return {};
    cancel(r, clock::now());
    return errc::canceled;
  }

 private:
  struct reservation {
    bool ok = false;
    std::size_t n = 0;
    time_point time_to_act{};
  };

  static constexpr time_point no_deadline() { return time_point::max(); }

  static double checked(double rate) {
    if (!(rate >= 0)) throw std::invalid_argument("leakguard::rate_limiter: negative or NaN rate");
    return rate;
  }

  // Tokens at `now` given the refill since last_, capped at burst.
  double advanced(time_point now) const {
    if (rate_ == unlimited) return static_cast<double>(burst_);
    double t = tokens_;
    if (now > last_ && rate_ > 0) {
      const double secs = std::chrono::duration<double>(now - last_).count();
      t += secs * rate_;
    }
    return std::min(t, static_cast<double>(burst_));
  }

  static clock::duration to_duration(double secs) {
    if (secs <= 0) return clock::duration::zero();
    const double max_secs = std::chrono::duration<double>(clock::duration::max()).count();
    if (secs >= max_secs) return clock::duration::max();
    return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(secs));
  }

  reservation reserve_locked(time_point now, std::size_t n, clock::duration max_wait) {
    reservation r;
    r.n = n;
    if (rate_ == unlimited || n == 0) {
      r.ok = true;
      r.time_to_act = now;
      return r;
    }
    if (n > burst_) return r;
    const double left = advanced(now) - static_cast<double>(n);
    if (rate_ == 0) {
      if (left < 0) return r;
      tokens_ = left;
      last_ = std::max(last_, now);
      r.ok = true;
      r.time_to_act = now;
      return r;
    }
    const clock::duration wait = left < 0 ? to_duration(-left / rate_) : clock::duration::zero();
    if (wait > max_wait) return r;
    tokens_ = left;
    last_ = std::max(last_, now);
    r.ok = true;
    r.time_to_act = now + wait;
    last_event_ = std::max(last_event_, r.time_to_act);
    return r;
  }

  // Gives the tokens of an unused reservation back (x/time/rate's CancelAt):
  // all n of them, minus what reservations made after this one already count
  // on (they were computed assuming these tokens were gone).
  void cancel(const reservation& r, time_point now) {
    std::lock_guard lk(mu_);
    if (!r.ok || r.n == 0 || rate_ == unlimited || r.time_to_act < now) return;
    double restore = static_cast<double>(r.n);
    if (rate_ > 0)
      restore -= std::chrono::duration<double>(last_event_ - r.time_to_act).count() * rate_;
    if (restore <= 0) return;
    tokens_ = std::min(advanced(now) + restore, static_cast<double>(burst_));
    last_ = std::max(last_, now);
    if (r.time_to_act == last_event_ && rate_ > 0) {
      const time_point prev = r.time_to_act - to_duration(static_cast<double>(r.n) / rate_);
      if (prev >= now) last_event_ = prev;
    }
  }

  mutable std::mutex mu_;
  double rate_;
  std::size_t burst_;
  double tokens_;
  time_point last_;        // when tokens_ was last brought up to date
  time_point last_event_;  // latest time_to_act of any reservation
};

}  // namespace leakguard
