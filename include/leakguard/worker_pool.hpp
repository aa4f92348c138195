// leakguard/worker_pool.hpp - N workers over one jobs channel (the seed's
// workerpool), in two forms.
//
// Futures form - a pool you submit callables to:
//
//   leakguard::worker_pool pool(4);                   // 4 workers
//   std::future<int> f = pool.submit([] { return 6 * 7; });
//   pool.shutdown();                                  // finish queued work, join
//
// Channel form - results on a channel, the pool owns and closes it:
//
//   leakguard::channel<int> jobs(16);                 // closed by its producer
//   auto results = leakguard::start_workers(ctx, 4, jobs, [](int j) { return j * 2; });
//   for (int r : results) ...                         // ends after jobs closed
//
// Contract (futures form):
//  * The pool owns its jobs channel and is its only closer: shutdown()
//    closes it exactly once. Workers never close anything.
//  * submit(fn) queues fn and returns a std::future of its result. fn takes
//    nothing or a std::stop_token (the pool's); an exception it throws goes
//    into the future. submit blocks while the queue (capacity `queue`, 0 =
//    hand-off to an idle worker) is full; it gives up when the pool is
//    stopped, and the future then holds a std::system_error with
//    errc::canceled. try_submit never blocks (nullopt when no room).
//    Submitting after shutdown() or stop() throws leakguard::channel_closed.
//  * shutdown() - graceful: no new jobs, every queued job still runs, then
//    the workers are joined. Idempotent; call it from the owner.
//  * stop() - hard stop: cancels the pool's context (running jobs see their
//    token fire and should return), queued jobs that did not start are
//    dropped (their futures hold errc::canceled), workers are joined.
//  * The destructor does shutdown() (graceful) unless stop() or shutdown()
//    ran already. A job that never returns blocks it - give jobs the token.
//  * Cancelling the parent context passed to the constructor is a hard stop
//    of the running work; call stop() or shutdown() afterwards to join.
//
// Contract (channel form): start_workers(ctx, n, jobs, fn) is
// leakguard::transform with n workers (pipeline.hpp): workers pop `jobs`
// until its producer closes it (or ctx is done), push fn(job) to the results
// channel, and the returned stage closes results exactly once after all
// workers finished. Destroying it cancels and joins.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <source_location>
#include <stop_token>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "leakguard/channel.hpp"
#include "leakguard/context.hpp"
#include "leakguard/errors.hpp"
#include "leakguard/go.hpp"
#include "leakguard/pipeline.hpp"

namespace leakguard {

namespace detail {

// A queued job. If destroyed without having run, its future reports
// errc::canceled.
class pool_job {
 public:
  virtual ~pool_job() = default;
  virtual void run(const std::stop_token& st) noexcept = 0;
};

template <class F>
decltype(auto) invoke_job(F& f, const std::stop_token& st) {
  if constexpr (std::is_invocable_v<F&, std::stop_token>)
    return f(st);
  else
    return f();
}

template <class F>
using job_result_t = std::conditional_t<std::is_invocable_v<F&, std::stop_token>,
                                        std::invoke_result<F&, std::stop_token>,
                                        std::invoke_result<F&>>::type;

template <class F, class R>
class pool_job_impl final : public pool_job {
 public:
  explicit pool_job_impl(F f) : f_(std::move(f)) {}
  ~pool_job_impl() override {
    if (!ran_)
      promise_.set_exception(std::make_exception_ptr(
          std::system_error(make_error_code(errc::canceled), "leakguard::worker_pool: job dropped")));
  }
  std::future<R> future() { return promise_.get_future(); }
  void run(const std::stop_token& st) noexcept override {
    ran_ = true;
    try {
      if constexpr (std::is_void_v<R>) {
        invoke_job(f_, st);
        promise_.set_value();
      } else {
        promise_.set_value(invoke_job(f_, st));
      }
    } catch (...) {
      promise_.set_exception(std::current_exception());
    }
  }

 private:
  F f_;
  std::promise<R> promise_;
  bool ran_ = false;
};

}  // namespace detail

class worker_pool {
 public:
  explicit worker_pool(std::size_t workers, std::size_t queue = 0,
                       std::source_location where = std::source_location::current())
      : worker_pool(background(), workers, queue, where) {}
  // Throws std::invalid_argument for 0 workers.
  // Workers are reported to the leak tracker as started at `where` (the
  // pool's construction).
  worker_pool(const leakguard::context& parent, std::size_t workers, std::size_t queue = 0,
              std::source_location where = std::source_location::current())
      : jobs_(queue, "worker_pool.jobs") {
    if (workers == 0) throw std::invalid_argument("leakguard::worker_pool: zero workers");
    auto [ctx, cancel] = with_cancel(parent);
    ctx_ = std::move(ctx);
    cancel_ = std::move(cancel);
    workers_.reserve(workers);
    for (std::size_t i = 0; i < workers; ++i)
      workers_.push_back(go(go_options("pool-worker", where), [this] { work(); }));
  }
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;
  ~worker_pool() { shutdown(); }

  std::size_t size() const noexcept { return workers_.size(); }
  const leakguard::context& context() const noexcept { return ctx_; }

  template <class F>
  auto submit(F&& fn) -> std::future<detail::job_result_t<std::decay_t<F>>> {
    using Fn = std::decay_t<F>;
    using R = detail::job_result_t<Fn>;
    auto job = std::make_unique<detail::pool_job_impl<Fn, R>>(Fn(std::forward<F>(fn)));
    std::future<R> fut = job->future();
    std::unique_ptr<detail::pool_job> j = std::move(job);
    const send_result r = jobs_.push(std::move(j), ctx_.token());
    if (r.closed()) throw channel_closed("leakguard::worker_pool: submit after shutdown");
    // stopped: `j` is destroyed here, so the future reports errc::canceled.
    return fut;
  }

  template <class F>
  auto try_submit(F&& fn) -> std::optional<std::future<detail::job_result_t<std::decay_t<F>>>> {
    using Fn = std::decay_t<F>;
    using R = detail::job_result_t<Fn>;
    auto job = std::make_unique<detail::pool_job_impl<Fn, R>>(Fn(std::forward<F>(fn)));
    std::future<R> fut = job->future();
    std::unique_ptr<detail::pool_job> j = std::move(job);
    const send_result r = jobs_.try_push(std::move(j));
    if (r.closed()) throw channel_closed("leakguard::worker_pool: submit after shutdown");
    if (!r) return std::nullopt;
    return fut;
  }

  // Graceful: see the header comment.
  void shutdown() {
    close_once();
    join();
  }

  // Hard stop: see the header comment.
  void stop() {
    cancel_();
    close_once();
    join();
    // Jobs still queued never ran: destroying them cancels their futures.
    while (jobs_.try_pop()) {
    }
  }

 private:
  void work() {
    const std::stop_token st = ctx_.token();
    for (;;) {
      auto job = jobs_.pop(st);
      if (!job) return;  // closed and drained, or stopped
      // Hard stop: a job still taken from the queue is dropped, not run
      // (destroying it cancels its future).
      if (st.stop_requested()) return;
      (*job)->run(st);
    }
  }

  void close_once() {
    if (!closed_.exchange(true)) jobs_.close();
  }

  void join() {
    std::lock_guard lk(join_mu_);
    for (go_handle& w : workers_)
      if (w.joinable()) w.join();
  }

  channel<std::unique_ptr<detail::pool_job>> jobs_;
  leakguard::context ctx_;
  cancel_func cancel_;
  std::vector<go_handle> workers_;
  std::atomic<bool> closed_{false};
  std::mutex join_mu_;
};

// Channel form: see the header comment.
template <class In, class F>
auto start_workers(const context& ctx, std::size_t workers, channel<In>& jobs, F fn,
                   std::size_t results_capacity = 0,
                   std::source_location where = std::source_location::current()) {
  return transform(ctx, jobs, std::move(fn),
                   stage_options{.workers = workers, .capacity = results_capacity,
                                 .name = "worker"},
                   where);
}

}  // namespace leakguard
