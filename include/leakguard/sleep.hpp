// leakguard/sleep.hpp - stop-aware sleeping.
//
//   if (!leakguard::sleep_for(100ms, st)) return;  // cancelled while asleep
//
// sleep_for / sleep_until return true when they slept the full time, false
// as soon as the stop token fires (at once if it already has). This is the
// replacement for std::this_thread::sleep_for inside cancellable code, which
// would keep the thread asleep after cancellation. A `leakguard::context`
// converts to the std::stop_token parameter.
#pragma once

#include <chrono>
#include <source_location>
#include <stop_token>

#include "leakguard/detail/stop_wait.hpp"
#include "leakguard/detail/tracking.hpp"
#include "leakguard/detail/waiter.hpp"

namespace leakguard {

template <class Clock, class Duration>
bool sleep_until(const std::chrono::time_point<Clock, Duration>& tp, const std::stop_token& st,
                 std::source_location where = std::source_location::current()) {
  detail::wait_record rec;
  rec.kind = detail::wait_kind::sleep;
  rec.operation = "sleep";
  rec.object_type = "sleep";
  rec.where = where;
  return !detail::block_until_stop(st, detail::to_steady(tp), rec);
}

template <class Rep, class Period>
bool sleep_for(const std::chrono::duration<Rep, Period>& d, const std::stop_token& st,
               std::source_location where = std::source_location::current()) {
  detail::wait_record rec;
  rec.kind = detail::wait_kind::sleep;
  rec.operation = "sleep";
  rec.object_type = "sleep";
  rec.where = where;
  return !detail::block_until_stop(st, detail::after(d), rec);
}

}  // namespace leakguard
