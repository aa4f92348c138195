// leakguard/detail/stop_wait.hpp - sleep until a stop token fires or a
// deadline passes (no spinning). Shared by sleep_for and context::wait.
#pragma once

#include <stop_token>

#include "leakguard/detail/futex.hpp"
#include "leakguard/detail/tracking.hpp"
#include "leakguard/detail/waiter.hpp"

namespace leakguard::detail {

// Returns true if `st` fired, false if the deadline passed first.
inline bool block_until_stop(const std::stop_token& st, steady_time deadline,
                             const wait_record& rec) noexcept {
  if (st.stop_requested()) return true;
  if (deadline != no_deadline && std::chrono::steady_clock::now() >= deadline) return false;
  waiter w;  // never signalled: only the stop token or the deadline end the wait
  return w.park(&st, deadline, &rec, /*spin=*/false) == park_result::stopped;
}

}  // namespace leakguard::detail
