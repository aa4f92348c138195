// leakguard/defer.hpp - Go's defer: run a callable when the scope ends.
//
//   sem.acquire();
//   leakguard::defer release([&] { sem.release(); });
//
// Contract:
//  * The callable runs exactly once when the defer object is destroyed -
//    on normal scope exit, return, break, and during exception unwinding -
//    unless dismiss() was called before.
//  * Several defers in one scope run in reverse order of declaration, as in
//    Go.
//  * Neither copyable nor movable: its lifetime is its scope.
//  * The destructor is noexcept: a callable that throws terminates the
//    program (as a throwing destructor would during unwinding anyway).
#pragma once

#include <type_traits>
#include <utility>

namespace leakguard {

template <class F>
class [[nodiscard]] defer {
  static_assert(std::is_invocable_v<F&>, "leakguard::defer needs a callable taking no arguments");

 public:
  explicit defer(F f) noexcept(std::is_nothrow_move_constructible_v<F>) : f_(std::move(f)) {}
  defer(const defer&) = delete;
  defer& operator=(const defer&) = delete;
  ~defer() noexcept {
    if (active_) f_();
  }

  // Do not run the callable.
  void dismiss() noexcept { active_ = false; }

 private:
  F f_;
  bool active_ = true;
};

template <class F>
defer(F) -> defer<F>;

}  // namespace leakguard
