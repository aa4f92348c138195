// leakguard/pipeline.hpp - cancellable pipeline stages (generator, transform,
// fan-out, broadcast, sink) where every stage owns and closes its output.
//
//   auto [ctx, cancel] = leakguard::with_cancel(leakguard::background());
//   auto nums = leakguard::generate(ctx, std::vector{1, 2, 3, 4});
//   auto sq   = leakguard::transform(ctx, nums, [](int v) { return v * v; },
//                                   {.workers = 4});
//   for (int v : sq) if (v > 4) break;   // early exit: no thread left behind
//
// Contract (the seed's pipeline rules):
//  * A stage<T> owns its output channel(s) and the threads that fill them.
//    Only the stage closes its outputs: exactly once, after every one of its
//    threads finished (a single closer thread does `wg.wait(); out.close()`),
//    whether the input ran dry or the stage was cancelled. Downstream code
//    never closes a stage's output.
//  * Each stage runs under a child of the context it was given. Every
//    blocking push/pop of a stage passes that context, so cancelling the
//    context (or any ancestor) stops every stage, even when the consumer
//    stopped reading and stages are blocked sending. A value a stage holds
//    when it is cancelled is dropped (cancellation means "stop producing").
//  * Destroying a stage cancels it and joins its threads (the RAII analog of
//    `defer cancel()`). Declare stages in pipeline order - downstream stages
//    then die first, and an upstream stage outlives everything reading it.
//    A consumer that stops early just lets the stages go out of scope (or
//    cancels the context): nothing stays blocked.
//  * A stage function that throws cancels its stage (its output closes
//    early); the first exception is kept and available from exception()
//    once the stage is joined. It never escapes a stage thread.
//  * Stage threads are started with leakguard::go, named after
//    stage_options::name and reported as started at the helper's call site
//    (generate/transform/merge/... take a defaulted std::source_location).
//  * Stage functions take the value, and optionally a std::stop_token
//    (the stage's), to stop long work early. A transform returning
//    std::optional<U> filters: nullopt values are not sent.
//
// Stages are MPMC-safe to read: several consumers may read one output.
// Branching: fan_out() gives each of N workers its own output (merge them
// again with merge.hpp); broadcast() copies every value to N outputs.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ranges>
#include <source_location>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "leakguard/channel.hpp"
#include "leakguard/context.hpp"
#include "leakguard/go.hpp"
#include "leakguard/wait_group.hpp"

namespace leakguard {

// Knobs shared by every stage helper: `transform(ctx, in, fn, {.workers = 4})`.
struct stage_options {
  std::size_t workers = 1;   // threads running the stage function
  std::size_t capacity = 0;  // buffer of each output channel (0 = unbuffered)
  std::string name = {};     // thread and channel name in leak reports
};

namespace detail {

template <class T>
struct stage_state {
  leakguard::context ctx;
  cancel_func cancel;
  std::vector<std::unique_ptr<channel<T>>> outs;
  wait_group wg;
  std::mutex mu;
  std::exception_ptr error;
  std::vector<go_handle> threads;
  std::string name;

  void fail(std::exception_ptr e) {
    {
      std::lock_guard lk(mu);
      if (!error) error = std::move(e);
    }
    cancel();
  }
};

// Invokes a stage function with (value, stop_token) if it takes a token,
// else with (value).
template <class F, class V>
decltype(auto) invoke_stage(F& f, V&& v, const std::stop_token& st) {
  if constexpr (std::is_invocable_v<F&, V&&, std::stop_token>)
    return std::invoke(f, std::forward<V>(v), st);
  else
    return std::invoke(f, std::forward<V>(v));
}

template <class F, class V>
using stage_result_t = std::conditional_t<std::is_invocable_v<F&, V&&, std::stop_token>,
                                          std::invoke_result<F&, V&&, std::stop_token>,
                                          std::invoke_result<F&, V&&>>::type;

template <class R>
struct unwrap_optional {
  using type = R;
  static constexpr bool filters = false;
};
template <class U>
struct unwrap_optional<std::optional<U>> {
  using type = U;
  static constexpr bool filters = true;
};

}  // namespace detail

template <class T>
class stage;

namespace detail {
// Builds a stage: outputs first, then threads (each counted in the wait group
// BEFORE it starts), then the single closer.
template <class T>
class stage_builder {
 public:
  stage_builder(const leakguard::context& parent, std::size_t outputs, const stage_options& o,
                std::source_location where)
      : s_(std::make_unique<stage_state<T>>()), where_(where) {
    auto [ctx, cancel] = with_cancel(parent);
    s_->ctx = std::move(ctx);
    s_->cancel = std::move(cancel);
    s_->name = o.name;
    for (std::size_t i = 0; i < outputs; ++i)
      s_->outs.push_back(std::make_unique<channel<T>>(
          o.capacity, o.name.empty() ? std::string() : o.name + ".out" + std::to_string(i)));
  }

  stage_builder(const stage_builder&) = delete;
  stage_builder& operator=(const stage_builder&) = delete;
  // Only reached without finish() when starting a thread threw: stop and
  // join what was started, so no thread outlives the state.
  ~stage_builder() {
    if (!s_) return;
    s_->cancel();
    for (go_handle& t : s_->threads)
      if (t.joinable()) t.join();
  }

  stage_state<T>& state() { return *s_; }

  // Starts one stage thread running body(); an exception fails the stage.
  template <class Body>
  void spawn(Body body) {
    stage_state<T>* s = s_.get();
    s->wg.add(1);
    try {
      s->threads.push_back(go(go_options(s->name.empty() ? "stage" : s->name, where_),
                              [s, body = std::move(body)]() mutable {
        try {
          body();
        } catch (...) {
          s->fail(std::current_exception());
        }
        s->wg.done();
      }));
    } catch (...) {
      s->wg.done();
      throw;
    }
  }

  // Starts the closer and hands the state to a stage.
  stage<T> finish();

 private:
  std::unique_ptr<stage_state<T>> s_;
  std::source_location where_;  // the helper's call site, for leak reports
};
}  // namespace detail

// A running pipeline stage: its outputs and the threads feeding them.
// Move-only. See the header comment for the ownership rules.
template <class T>
class stage {
 public:
  using value_type = T;

  stage() = default;  // an empty stage (no outputs, no threads)
  stage(stage&&) noexcept = default;
  stage& operator=(stage&& other) noexcept {
    if (this != &other) {
      shutdown();
      s_ = std::move(other.s_);
    }
    return *this;
  }
  stage(const stage&) = delete;
  stage& operator=(const stage&) = delete;
  // Cancels the stage and joins its threads.
  ~stage() { shutdown(); }

  // Output i (0 = the only one, for single-output stages). Read it; never
  // close it.
  channel<T>& out(std::size_t i = 0) { return *s_->outs.at(i); }
  std::size_t outputs() const noexcept { return s_ ? s_->outs.size() : 0; }

  // The stage's own context (a child of the one it was started with).
  const leakguard::context& context() const { return s_->ctx; }

  // Cancels this stage (not its upstream); its outputs close soon after.
  void stop() {
    if (s_) s_->cancel();
  }

  // Waits until every thread of the stage finished (its outputs are then
  // closed). Does not cancel.
  void join() {
    if (!s_) return;
    for (go_handle& t : s_->threads)
      if (t.joinable()) t.join();
  }

  // After join(): the first exception a stage function threw, or null.
  std::exception_ptr exception() const {
    if (!s_) return nullptr;
    std::lock_guard lk(s_->mu);
    return s_->error;
  }

  // Range-for over output 0: receives until it is closed and drained.
  auto begin(std::source_location where = std::source_location::current()) {
    return out().begin(where);
  }
  auto end() { return out().end(); }

  explicit stage(std::unique_ptr<detail::stage_state<T>> s) noexcept : s_(std::move(s)) {}

 private:
  void shutdown() noexcept {
    if (!s_) return;
    s_->cancel();
    join();
    s_.reset();
  }

  std::unique_ptr<detail::stage_state<T>> s_;
};

template <class T>
stage<T> detail::stage_builder<T>::finish() {
  stage_state<T>* s = s_.get();
  // The single closer: once every stage thread is done, close each output
  // exactly once. It does not stop early on cancellation - it must outlive
  // the threads it waits for, and they all finish once cancelled.
  s->threads.push_back(go(go_options(s->name.empty() ? "stage-closer" : s->name + "-close", where_), [s] {
    s->wg.wait();  // NOLINT(leakguard-stop-aware-blocking): waits for cancelled threads too
    for (auto& o : s->outs) o->close();
  }));
  return stage<T>(std::move(s_));
}

// --- generators -------------------------------------------------------------

// What a generator function sends with: `if (!emit(v)) return;` - false once
// the stage is cancelled (stop producing then).
template <class T>
class emitter {
 public:
  emitter(channel<T>& out, std::stop_token st) : out_(out), st_(std::move(st)) {}
  template <class U = T>
  bool operator()(U&& v) {
    return static_cast<bool>(out_.push(std::forward<U>(v), st_));
  }
  const std::stop_token& token() const noexcept { return st_; }
  bool stopped() const noexcept { return st_.stop_requested(); }

 private:
  channel<T>& out_;
  std::stop_token st_;
};

// A source stage from a function: fn(emitter<T>&) sends values with emit(v)
// and returns when done (or when emit returns false). The output closes
// when fn returns.
template <class T, class F>
  requires std::is_invocable_v<F&, emitter<T>&>
stage<T> generate(const context& ctx, F fn, stage_options o = {},
    std::source_location where = std::source_location::current()) {
  detail::stage_builder<T> b(ctx, 1, o, where);
  auto& s = b.state();
  b.spawn([&s, fn = std::move(fn)]() mutable {
    emitter<T> emit(*s.outs[0], s.ctx.token());
    fn(emit);
  });
  return b.finish();
}

// A source stage sending the elements of `values` in order (Go's gen()).
template <std::ranges::input_range R>
  requires(!std::is_invocable_v<R&, emitter<std::ranges::range_value_t<R>>&>)
stage<std::ranges::range_value_t<R>> generate(const context& ctx, R values,
                                              stage_options o = {},
    std::source_location where = std::source_location::current()) {
  using T = std::ranges::range_value_t<R>;
  detail::stage_builder<T> b(ctx, 1, o, where);
  auto& s = b.state();
  b.spawn([&s, values = std::move(values)]() mutable {
    const std::stop_token st = s.ctx.token();
    for (auto&& v : values)
      if (!s.outs[0]->push(T(v), st)) return;
  });
  return b.finish();
}

// --- transform / fan-out / broadcast -----------------------------------------

// A stage applying fn to every value of `in`, with o.workers threads sharing
// one output (order is kept only with one worker). With N workers this is
// the channel form of a worker pool: `in` is the jobs channel (closed by its
// producer), the output is the results channel (closed by this stage, once).
template <class T, class F>
auto transform(const context& ctx, channel<T>& in, F fn, stage_options o = {},
    std::source_location where = std::source_location::current()) {
  using R = detail::stage_result_t<F, T>;
  using U = typename detail::unwrap_optional<R>::type;
  static_assert(!std::is_void_v<U>, "transform: fn must return a value (use sink for void)");
  detail::stage_builder<U> b(ctx, 1, o, where);
  auto& s = b.state();
  const std::size_t n = o.workers == 0 ? 1 : o.workers;
  for (std::size_t w = 0; w < n; ++w)
    b.spawn([&s, &in, fn]() mutable {
      const std::stop_token st = s.ctx.token();
      for (;;) {
        auto v = in.pop(st);
        if (!v) return;
        if constexpr (detail::unwrap_optional<R>::filters) {
          std::optional<U> r = detail::invoke_stage(fn, std::move(*v), st);
          if (r && !s.outs[0]->push(std::move(*r), st)) return;
        } else {
          if (!s.outs[0]->push(detail::invoke_stage(fn, std::move(*v), st), st)) return;
        }
      }
    });
  return b.finish();
}
template <class T, class F>
auto transform(const context& ctx, stage<T>& in, F fn, stage_options o = {},
    std::source_location where = std::source_location::current()) {
  return transform(ctx, in.out(), std::move(fn), std::move(o), where);
}

// Fan-out: n workers read the one input; worker i sends fn(v) to output i.
// Merge the outputs again with leakguard::merge (merge.hpp) for fan-in.
template <class T, class F>
auto fan_out(const context& ctx, channel<T>& in, std::size_t n, F fn, stage_options o = {},
    std::source_location where = std::source_location::current()) {
  using U = detail::stage_result_t<F, T>;
  static_assert(!std::is_void_v<U>, "fan_out: fn must return a value");
  if (n == 0) throw std::invalid_argument("leakguard::fan_out: zero workers");
  detail::stage_builder<U> b(ctx, n, o, where);
  auto& s = b.state();
  for (std::size_t w = 0; w < n; ++w)
    b.spawn([&s, &in, fn, w]() mutable {
      const std::stop_token st = s.ctx.token();
      for (;;) {
        auto v = in.pop(st);
        if (!v) return;
        if (!s.outs[w]->push(detail::invoke_stage(fn, std::move(*v), st), st)) return;
      }
    });
  return b.finish();
}
template <class T, class F>
auto fan_out(const context& ctx, stage<T>& in, std::size_t n, F fn, stage_options o = {},
    std::source_location where = std::source_location::current()) {
  return fan_out(ctx, in.out(), n, std::move(fn), std::move(o), where);
}

// Broadcast: every value of `in` goes to each of n outputs (in output
// order). A branch that stops reading holds the others back (bounded by
// o.capacity) until the stage is cancelled - give slow branches a buffer.
template <class T>
stage<T> broadcast(const context& ctx, channel<T>& in, std::size_t n, stage_options o = {},
    std::source_location where = std::source_location::current()) {
  if (n == 0) throw std::invalid_argument("leakguard::broadcast: zero outputs");
  detail::stage_builder<T> b(ctx, n, o, where);
  auto& s = b.state();
  b.spawn([&s, &in] {
    const std::stop_token st = s.ctx.token();
    for (;;) {
      auto v = in.pop(st);
      if (!v) return;
      for (auto& out : s.outs)
        if (!out->push(T(*v), st)) return;
    }
  });
  return b.finish();
}
template <class T>
stage<T> broadcast(const context& ctx, stage<T>& in, std::size_t n, stage_options o = {},
    std::source_location where = std::source_location::current()) {
  return broadcast(ctx, in.out(), n, std::move(o), where);
}

// --- sinks ------------------------------------------------------------------

// Runs fn(v) in the calling thread for every value of `in` until it is
// closed and drained or ctx is done. Returns ctx.err() - empty when ctx is
// not done, i.e. the stream ended normally; a stream that ended because the
// pipeline was cancelled (possibly cut short) reports why. If fn
// returns bool, false stops early (returns {}); the caller then cancels or
// drops the upstream stages.
template <class T, class F>
std::error_code sink(const context& ctx, channel<T>& in, F fn) {
  const std::stop_token st = ctx.token();
  for (;;) {
    auto v = in.pop(st);
    if (!v) return ctx.err();  // empty when the input simply ran dry
    if constexpr (std::is_same_v<detail::stage_result_t<F, T>, bool>) {
      if (!detail::invoke_stage(fn, std::move(*v), st)) return {};
    } else {
      detail::invoke_stage(fn, std::move(*v), st);
    }
  }
}
template <class T, class F>
std::error_code sink(const context& ctx, stage<T>& in, F fn) {
  return sink(ctx, in.out(), std::move(fn));
}

// Collects every value of `in` (until closed, or ctx done) into a vector.
template <class T>
std::vector<T> collect(const context& ctx, channel<T>& in) {
  std::vector<T> all;
  sink(ctx, in, [&all](T v) { all.push_back(std::move(v)); });
  return all;
}
template <class T>
std::vector<T> collect(const context& ctx, stage<T>& in) {
  return collect(ctx, in.out());
}

}  // namespace leakguard
