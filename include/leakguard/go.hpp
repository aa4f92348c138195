// leakguard/go.hpp - start a tracked thread, Go's `go f(x)`.
//
//   auto t = leakguard::go([](std::stop_token st) { ... });    // gets a stop token
//   auto u = leakguard::go(worker, std::ref(jobs), 3);          // plain arguments
//   auto v = leakguard::go(leakguard::named("stage-2"), stage, in, out);
//
// Contract:
//  * The callable and its arguments are decay-copied into the new thread,
//    as with std::thread. If fn can be called as fn(std::stop_token,
//    args...), the thread's stop token is passed first.
//  * The returned go_handle owns the thread like std::jthread: its
//    destructor requests stop and then joins. There is no detach().
//  * The call site (std::source_location) and an optional name are reported
//    to the leak tracker (tracker_hooks::thread_begin / thread_end, called
//    in the new thread). The name also becomes the OS thread name (first 15
//    characters on Linux).
//  * An exception escaping fn terminates the program (as with std::thread).
#pragma once

#include <concepts>
#include <functional>
#include <memory>
#include <source_location>
#include <stop_token>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>

#include "leakguard/detail/tracking.hpp"

#if defined(__linux__)
#include <pthread.h>
#endif

namespace leakguard {

// Options for go(): a thread name, and the call site (taken where named()
// or go_options{} is written).
struct go_options {
  std::string name;
  std::source_location where;

  go_options(std::string n = {},  // NOLINT(google-explicit-constructor)
             std::source_location w = std::source_location::current())
      : name(std::move(n)), where(w) {}
};

// go(named("stage-2"), fn, args...)
inline go_options named(std::string name,
                        std::source_location where = std::source_location::current()) {
  return go_options(std::move(name), where);
}

namespace detail {

// The callable of one go() call, type-erased so that the call site can be
// captured by this converting constructor's default argument.
template <class... Args>
class go_fn {
 public:
  template <class F>
    requires(!std::same_as<std::remove_cvref_t<F>, go_fn> &&
             !std::same_as<std::remove_cvref_t<F>, go_options> &&
             (std::is_invocable_v<std::decay_t<F>, Args...> ||
              std::is_invocable_v<std::decay_t<F>, std::stop_token, Args...>))
  go_fn(F&& f,  // NOLINT(google-explicit-constructor)
        std::source_location where = std::source_location::current())
      : impl_(std::make_unique<impl<std::decay_t<F>>>(std::forward<F>(f))), where_(where) {}

  void operator()(std::stop_token st, Args&... args) { impl_->run(std::move(st), args...); }
  const std::source_location& where() const noexcept { return where_; }

 private:
  struct base {
    virtual ~base() = default;
    virtual void run(std::stop_token st, Args&... args) = 0;
  };
  template <class F>
  struct impl final : base {
    template <class G>
    explicit impl(G&& g) : f(std::forward<G>(g)) {}
    void run(std::stop_token st, Args&... args) override {
      if constexpr (std::is_invocable_v<F, std::stop_token, Args...>)
        std::invoke(std::move(f), std::move(st), std::move(args)...);
      else
        std::invoke(std::move(f), std::move(args)...);
    }
    F f;
  };

  std::unique_ptr<base> impl_;
  std::source_location where_;
};

inline void set_thread_name(const std::string& name) noexcept {
#if defined(__linux__)
  if (name.empty()) return;
  char buf[16] = {};
  name.copy(buf, 15);
  pthread_setname_np(pthread_self(), buf);
#else
  (void)name;
#endif
}

}  // namespace detail

// Owns a thread started by go(). Joins (after requesting stop) on
// destruction. Move-only.
class go_handle {
 public:
  go_handle() noexcept = default;
  explicit go_handle(std::jthread t) noexcept : t_(std::move(t)) {}

  bool joinable() const noexcept { return t_.joinable(); }
  void join() { t_.join(); }
  bool request_stop() noexcept { return t_.request_stop(); }
  std::stop_token get_stop_token() const noexcept { return t_.get_stop_token(); }
  std::stop_source get_stop_source() noexcept { return t_.get_stop_source(); }
  std::thread::id get_id() const noexcept { return t_.get_id(); }
  std::jthread& thread() noexcept { return t_; }

 private:
  std::jthread t_;
};

template <class... Args>
[[nodiscard]] go_handle go(go_options opts,
                           std::type_identity_t<detail::go_fn<std::decay_t<Args>...>> fn,
                           Args&&... args) {
  return go_handle(std::jthread(
      [](std::stop_token st, go_options o, detail::go_fn<std::decay_t<Args>...> f,
         std::decay_t<Args>... a) {
        const detail::tracker_hooks* h = detail::hooks();
        detail::set_thread_name(o.name);
        if (h && h->thread_begin) h->thread_begin(o.name.empty() ? nullptr : o.name.c_str(), o.where);
        struct end_guard {
          const detail::tracker_hooks* h;
          ~end_guard() {
            if (h && h->thread_end) h->thread_end();
          }
        } guard{h};
        f(std::move(st), a...);
      },
      std::move(opts), std::move(fn), std::forward<Args>(args)...));
}

template <class... Args>
[[nodiscard]] go_handle go(std::type_identity_t<detail::go_fn<std::decay_t<Args>...>> fn,
                           Args&&... args) {
  go_options opts({}, fn.where());
  return go(std::move(opts), std::move(fn), std::forward<Args>(args)...);
}

}  // namespace leakguard
