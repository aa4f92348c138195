// leakguard/errors.hpp - error codes and exceptions of the pattern library.
//
// Two kinds of failure:
//  * Expected outcomes of cancellable work are std::error_code values in
//    leakguard's own category: errc::canceled (someone cancelled) and
//    errc::deadline_exceeded (a deadline passed). context::err() returns them.
//  * Misuse of a primitive - the cases where Go panics - throws an exception
//    derived from leakguard::misuse_error (itself a std::logic_error):
//    channel_closed (send on / close of a closed channel), negative_counter
//    (wait_group below zero), over_release (releasing permits not held).
#pragma once

#include <stdexcept>
#include <string>
#include <system_error>

namespace leakguard {

// Why a context is done. Zero means "not done" and is never reported.
enum class errc {
  canceled = 1,           // Go: context.Canceled
  deadline_exceeded = 2,  // Go: context.DeadlineExceeded
};

namespace detail {
class error_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "leakguard"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::canceled:
        return "context canceled";
      case errc::deadline_exceeded:
        return "context deadline exceeded";
    }
    return "unknown leakguard error";
  }
  std::error_condition default_error_condition(int ev) const noexcept override {
    switch (static_cast<errc>(ev)) {
      case errc::canceled:
        return std::errc::operation_canceled;
      case errc::deadline_exceeded:
        return std::errc::timed_out;
    }
    return std::error_condition(ev, *this);
  }
};
}  // namespace detail

// The category of leakguard::errc.
inline const std::error_category& error_category() noexcept {
  static const detail::error_category_impl category;
  return category;
}

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

// Base of every exception leakguard throws for misuse of a primitive.
class misuse_error : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// push() on a closed channel ("send on closed channel"), or a second
// close() ("close of closed channel").
class channel_closed : public misuse_error {
 public:
  using misuse_error::misuse_error;
};

// wait_group::add/done would take the counter below zero. The counter is
// left unchanged.
class negative_counter : public misuse_error {
 public:
  using misuse_error::misuse_error;
};

// A semaphore was released more than it was acquired (the count would exceed
// the capacity). The semaphore is left unchanged.
class over_release : public misuse_error {
 public:
  using misuse_error::misuse_error;
};

}  // namespace leakguard

template <>
struct std::is_error_code_enum<leakguard::errc> : std::true_type {};
