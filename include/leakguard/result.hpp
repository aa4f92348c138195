// leakguard/result.hpp - outcomes of the stop-aware, timed and non-blocking
// channel operations.
//
// Each such operation reports exactly one op_status. On anything other than
// `delivered` the value was NOT transferred: a send leaves the caller's value
// untouched (an rvalue argument is not moved from), a receive takes nothing
// out of the channel.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

namespace leakguard {

enum class op_status : std::uint8_t {
  delivered,    // the value was handed over (send) / received (receive)
  closed,       // the channel is closed (and, for a receive, drained)
  stopped,      // the stop token fired before the operation could complete
  timed_out,    // the deadline passed before the operation could complete
  would_block,  // try_ variant only: the operation could not complete at once
};

inline constexpr const char* to_string(op_status s) noexcept {
  switch (s) {
    case op_status::delivered:
      return "delivered";
    case op_status::closed:
      return "closed";
    case op_status::stopped:
      return "stopped";
    case op_status::timed_out:
      return "timed_out";
    case op_status::would_block:
      return "would_block";
  }
  return "?";
}

// Result of channel<T>::push(v, st), push_for, push_until and try_push.
// Tests true exactly when the value was delivered.
struct send_result {
  op_status status = op_status::would_block;

  explicit operator bool() const noexcept { return status == op_status::delivered; }
  bool delivered() const noexcept { return status == op_status::delivered; }
  bool closed() const noexcept { return status == op_status::closed; }
  bool stopped() const noexcept { return status == op_status::stopped; }
  bool timed_out() const noexcept { return status == op_status::timed_out; }
  bool would_block() const noexcept { return status == op_status::would_block; }
  friend bool operator==(const send_result&, const send_result&) = default;
};

// Result of channel<T>::pop(st), pop_for, pop_until and try_pop: an optional
// value plus why it is empty. `value` holds a value exactly when `status` is
// `delivered`. Reads like a std::optional<T> (`if (auto r = ch.pop(st))
// use(*r);`).
template <class T>
struct recv_result {
  std::optional<T> value;
  op_status status = op_status::would_block;

  explicit operator bool() const noexcept { return value.has_value(); }
  bool has_value() const noexcept { return value.has_value(); }
  T& operator*() & noexcept { return *value; }
  const T& operator*() const& noexcept { return *value; }
  T&& operator*() && noexcept { return std::move(*value); }
  T* operator->() noexcept { return &*value; }
  const T* operator->() const noexcept { return &*value; }

  bool delivered() const noexcept { return status == op_status::delivered; }
  bool closed() const noexcept { return status == op_status::closed; }
  bool stopped() const noexcept { return status == op_status::stopped; }
  bool timed_out() const noexcept { return status == op_status::timed_out; }
  bool would_block() const noexcept { return status == op_status::would_block; }
};

}  // namespace leakguard
