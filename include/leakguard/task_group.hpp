// leakguard/task_group.hpp - golang.org/x/sync/errgroup for C++: a group of
// tasks with first-error, cancel-the-rest, and an optional concurrency limit.
//
//   leakguard::task_group g(ctx);
//   g.set_limit(4);                                  // at most 4 at once
//   for (auto& url : urls)
//     g.go([&, url](std::stop_token st) { return fetch(url, st); });
//   if (std::error_code ec = g.wait()) report(ec);   // first failure
//
// Tasks: callables taking nothing, a std::stop_token, or a
// leakguard::context (the group's). They return void or std::error_code
// (non-empty = failure) and may throw.
//
// Contract:
//  * go(fn) starts fn on its own thread. With a limit it first waits until
//    fewer than `limit` tasks run (errgroup's Go blocks the same way).
//    try_go(fn) starts fn only if that is possible right now, else returns
//    false without blocking (errgroup's TryGo).
//  * set_limit(n): n < 0 = no limit (the default). Changing the limit while
//    any task of the group is still running throws leakguard::misuse_error
//    (errgroup panics). With limit 0 go() would block forever, so it throws
//    misuse_error instead; try_go() returns false.
//  * The FIRST failure wins: a task returning a non-empty error_code or
//    throwing. At that moment the group's context is cancelled, so the other
//    tasks (which should watch their token / context) stop. cause() /
//    cause_exception() name that failure at once (our context type carries
//    only canceled/deadline_exceeded, so the cause is kept here).
//  * wait() blocks until every task has finished (and its thread is
//    joined), cancels the group's context, then
//       - rethrows the first failure if it was an exception,
//       - else returns the first failure's error_code,
//       - else returns {} (success).
//    So: error codes are returned, exceptions are rethrown - each failure
//    comes back the way the task reported it. Later failures are dropped.
//    wait() may be called again; it reports the same outcome.
//  * A task_group is single-use: after wait() its context is done, so tasks
//    started later see a cancelled context at once.
//  * Destroyed without wait(): the destructor cancels the context, then
//    joins every task (never leaks a thread, never throws; the failure, if
//    any, is dropped). Tasks that ignore their token delay the destructor.
//  * go/try_go/wait may be called from any thread, including from inside a
//    task (a task may start more tasks).
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <source_location>
#include <stop_token>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "leakguard/context.hpp"
#include "leakguard/detail/tracking.hpp"
#include "leakguard/errors.hpp"
#include "leakguard/go.hpp"

namespace leakguard {

class task_group {
 public:
  task_group() : task_group(background()) {}
  explicit task_group(const leakguard::context& parent) {
    auto [ctx, cancel] = with_cancel(parent);
    ctx_ = std::move(ctx);
    cancel_ = std::move(cancel);
  }
  task_group(const task_group&) = delete;
  task_group& operator=(const task_group&) = delete;

  // Cancel, then join (see the header comment).
  ~task_group() {
    cancel_();
    join_all();
  }

  // The group's context: cancelled on the first failure and when wait()
  // returns.
  leakguard::context context() const { return ctx_; }

  // See the header comment. Throws misuse_error while tasks are running.
  void set_limit(int n) {
    std::lock_guard lk(mu_);
    if (active_ != 0)
      throw misuse_error("leakguard::task_group: set_limit while " + std::to_string(active_) +
                         " tasks are still running");
    limit_ = n;
  }

  // Starts fn, first waiting for a free slot if a limit is set.
  template <class F>
  void go(F&& fn, std::source_location where = std::source_location::current()) {
    std::unique_lock lk(mu_);
    if (limit_ == 0)
      throw misuse_error("leakguard::task_group: go() with limit 0 would block forever");
    if (limit_ > 0 && active_ >= limit_) {
      const detail::wait_record rec{detail::wait_kind::semaphore_acquire, "task_group::go",
                                    "task_group", this, nullptr,
                                    static_cast<std::size_t>(limit_), where};
      detail::blocking_scope scope(rec);
      slot_free_.wait(lk, [&] { return limit_ < 0 || active_ < limit_; });
    }
    start_locked(std::forward<F>(fn), where);
  }

  // Starts fn only if a slot is free right now; false otherwise.
  template <class F>
  bool try_go(F&& fn, std::source_location where = std::source_location::current()) {
    std::lock_guard lk(mu_);
    if (limit_ >= 0 && active_ >= limit_) return false;
    start_locked(std::forward<F>(fn), where);
    return true;
  }

  // See the header comment: returns the first error_code, or rethrows the
  // first exception.
  std::error_code wait(std::source_location where = std::source_location::current()) {
    {
      std::unique_lock lk(mu_);
      if (running_ != 0) {
        const detail::wait_record rec{detail::wait_kind::wait_group_wait, "task_group::wait",
                                      "task_group", this, nullptr, 0, where};
        detail::blocking_scope scope(rec);
        all_done_.wait(lk, [&] { return running_ == 0; });
      }
    }
    join_all();
    cancel_();
    std::lock_guard lk(mu_);
    if (first_exception_) std::rethrow_exception(first_exception_);
    return first_error_;
  }

  // The first failure so far: its error_code (empty if none, or if it was an
  // exception) and its exception (null if none, or if it was an error_code).
  std::error_code cause() const {
    std::lock_guard lk(mu_);
    return first_error_;
  }
  std::exception_ptr cause_exception() const {
    std::lock_guard lk(mu_);
    return first_exception_;
  }

 private:
  template <class F>
  void start_locked(F&& fn, const std::source_location& where) {
    using Fn = std::decay_t<F>;
    static_assert(std::is_invocable_v<Fn&> || std::is_invocable_v<Fn&, std::stop_token> ||
                      std::is_invocable_v<Fn&, leakguard::context>,
                  "task_group: a task takes nothing, a std::stop_token or a leakguard::context");
    ++active_;
    ++running_;
    try {
      threads_.push_back(leakguard::go(go_options("task_group", where),
                                       [this, f = Fn(std::forward<F>(fn))]() mutable { run(f); }));
    } catch (...) {
      --active_;
      --running_;
      throw;
    }
  }

  template <class Fn>
  static auto call(Fn& f, const leakguard::context& ctx) {
    if constexpr (std::is_invocable_v<Fn&, leakguard::context>)
      return f(ctx);
    else if constexpr (std::is_invocable_v<Fn&, std::stop_token>)
      return f(ctx.token());
    else
      return f();
  }

  template <class Fn>
  void run(Fn& f) {
    std::error_code ec;
    std::exception_ptr ex;
    try {
      using R = decltype(call(f, ctx_));
      static_assert(std::is_void_v<R> || std::is_convertible_v<R, std::error_code>,
                    "task_group: a task returns void or std::error_code");
      if constexpr (std::is_void_v<R>)
        call(f, ctx_);
      else
        ec = call(f, ctx_);
    } catch (...) {
      ex = std::current_exception();
    }
    bool first = false;
    {
      std::lock_guard lk(mu_);
      if ((ec || ex) && !failed_) {
        failed_ = true;
        first_error_ = ec;
        first_exception_ = ex;
        first = true;
      }
    }
    if (first) cancel_();
    {
      std::lock_guard lk(mu_);
      --active_;
      --running_;
      // Notify under the lock: wait() may destroy the group right after.
      slot_free_.notify_one();
      if (running_ == 0) all_done_.notify_all();
    }
  }

  void join_all() {
    for (;;) {
      std::vector<go_handle> ts;
      {
        std::lock_guard lk(mu_);
        ts.swap(threads_);
      }
      if (ts.empty()) return;
      for (go_handle& t : ts)
        if (t.joinable()) t.join();
    }
  }

  leakguard::context ctx_;
  cancel_func cancel_;
  mutable std::mutex mu_;
  std::condition_variable slot_free_;
  std::condition_variable all_done_;
  std::vector<go_handle> threads_;
  int limit_ = -1;
  int active_ = 0;   // tasks holding a slot
  int running_ = 0;  // tasks not yet finished
  bool failed_ = false;
  std::error_code first_error_;
  std::exception_ptr first_exception_;
};

}  // namespace leakguard
