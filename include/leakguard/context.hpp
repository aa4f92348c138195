// leakguard/context.hpp - Go's context.Context for C++: a cancellation tree
// with deadlines, built on std::stop_source / std::stop_token.
//
//   auto [ctx, cancel] = leakguard::with_timeout(parent, 2s);
//   ch.push(v, ctx);            // a context converts to std::stop_token
//   if (ctx.err() == leakguard::errc::deadline_exceeded) ...
//
// Contract:
//  * background() is never done; it is the root (a default-constructed
//    context is the same).
//  * with_cancel / with_timeout / with_deadline(parent, ...) return a child
//    and its cancel_func. The child is done when its cancel_func is called,
//    when its deadline passes, or when its parent is done - whichever comes
//    first. Cancelling a parent cancels the whole subtree at once (through
//    std::stop_callback, synchronously, in the cancelling thread).
//  * err() is empty while not done, then errc::canceled or
//    errc::deadline_exceeded (a child cancelled by its parent reports the
//    parent's reason). It never changes once set.
//  * token() / the conversion to std::stop_token: stop is requested exactly
//    when done() becomes true.
//  * A child's deadline is the earlier of its own and its parent's.
//    Deadlines are fired by one shared, lazily started timer thread
//    (detail/timer.hpp) - no thread per context.
//  * cancel_func is idempotent and copyable; all copies cancel the same
//    context. When the LAST copy is destroyed without disarm(), the context
//    is cancelled: the C++ analog of `defer cancel()` is the default, so a
//    forgotten cancel never leaks a timer or a subtree. Call disarm() to
//    hand the context's lifetime to something else (it is then only done
//    through its parent or deadline).
//  * with_stop(parent, st): a child also cancelled when a std::stop_token
//    fires (to hand a jthread's token to context-taking code).
//  * A context is a cheap handle (one shared_ptr); copies share state.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <source_location>
#include <stop_token>
#include <system_error>
#include <utility>

#include "leakguard/detail/stop_wait.hpp"
#include "leakguard/detail/timer.hpp"
#include "leakguard/detail/tracking.hpp"
#include "leakguard/detail/waiter.hpp"
#include "leakguard/errors.hpp"

namespace leakguard {

namespace detail {

struct context_state : std::enable_shared_from_this<context_state> {
  std::stop_source source;
  std::atomic<int> reason{0};  // errc once done
  std::shared_ptr<context_state> parent;
  std::optional<steady_time> deadline;  // effective: min(own, parent's)
  bool owns_timer = false;
  timer_slot timer;

  struct propagate {
    context_state* self;
    const context_state* from;
    void operator()() const noexcept {
      const int why = from ? from->reason.load(std::memory_order_acquire) : 0;
      self->cancel(why ? static_cast<errc>(why) : errc::canceled);
    }
  };
  std::optional<std::stop_callback<propagate>> link;   // parent -> this
  std::optional<std::stop_callback<propagate>> extra;  // with_stop's token -> this

  context_state() = default;
  context_state(const context_state&) = delete;
  context_state& operator=(const context_state&) = delete;

  ~context_state() {
    note_destroyed(this);
    if (owns_timer) deadline_timer::instance().disarm(timer);
  }

  // First reason wins; later calls do nothing.
  void cancel(errc why) noexcept {
    int expected = 0;
    if (!reason.compare_exchange_strong(expected, static_cast<int>(why),
                                        std::memory_order_acq_rel))
      return;
    if (owns_timer) deadline_timer::instance().disarm(timer);
    source.request_stop();
  }
};

inline void deadline_timer::run() {
  std::unique_lock lk(mu_);
  for (;;) {
    if (q_.empty()) {
      running_ = false;
      return;
    }
    auto it = q_.begin();
    if (std::chrono::steady_clock::now() >= it->first) {
      std::shared_ptr<context_state> s = it->second.weak.lock();
      it->second.raw->timer.armed = false;
      q_.erase(it);
      lk.unlock();
      if (s) s->cancel(errc::deadline_exceeded);
      s.reset();  // may run ~context_state, which takes mu_
      lk.lock();
      continue;
    }
    const steady_time next = it->first;  // a copy: the entry may go while we wait
    cv_.wait_until(lk, next);
  }
}

}  // namespace detail

class context;
class cancel_func;
namespace detail {
inline std::pair<context, cancel_func> make_child(const context& parent,
                                                  steady_time own,
                                                  const std::stop_token* also = nullptr);
}  // namespace detail

class context {
 public:
  // The background context: never done.
  context() noexcept = default;

  // A reference to a token the context keeps: passing a context where a
  // `const std::stop_token&` is expected costs no reference-count traffic.
  const std::stop_token& token() const noexcept { return token_; }
  operator const std::stop_token&() const noexcept { return token_; }  // NOLINT

  bool done() const noexcept { return state_ && state_->source.stop_requested(); }

  // Empty while not done; errc::canceled or errc::deadline_exceeded after.
  std::error_code err() const noexcept {
    if (!done()) return {};
    const int why = state_->reason.load(std::memory_order_acquire);
    return make_error_code(why ? static_cast<errc>(why) : errc::canceled);
  }

  // The effective deadline, if any.
  std::optional<std::chrono::steady_clock::time_point> deadline() const noexcept {
    if (!state_) return std::nullopt;
    return state_->deadline;
  }

  // Blocks until done (forever for background(), as <-ctx.Done() in Go).
  void wait(std::source_location where = std::source_location::current()) const {
    detail::block_until_stop(token(), detail::no_deadline, record(where));
  }
  // Blocks until done or `st` fires. Returns done().
  bool wait(const std::stop_token& st,
            std::source_location where = std::source_location::current()) const {
    if (done()) return true;
    if (!st.stop_possible()) {
      wait(where);
      return true;
    }
    std::stop_source either;
    std::stop_callback a(token(), [&either] { either.request_stop(); });
    std::stop_callback b(st, [&either] { either.request_stop(); });
    detail::block_until_stop(either.get_token(), detail::no_deadline, record(where));
    return done();
  }
  // Blocks until done or the time is up. Returns done().
  template <class Rep, class Period>
  bool wait_for(const std::chrono::duration<Rep, Period>& d,
                std::source_location where = std::source_location::current()) const {
    return detail::block_until_stop(token(), detail::after(d), record(where));
  }
  template <class Clock, class Duration>
  bool wait_until(const std::chrono::time_point<Clock, Duration>& tp,
                  std::source_location where = std::source_location::current()) const {
    return detail::block_until_stop(token(), detail::to_steady(tp), record(where));
  }

  friend bool operator==(const context& a, const context& b) noexcept {
    return a.state_ == b.state_;
  }

 private:
  friend std::pair<context, cancel_func> detail::make_child(const context&,
                                                            detail::steady_time,
                                                            const std::stop_token*);

  explicit context(std::shared_ptr<detail::context_state> s) noexcept
      : state_(std::move(s)), token_(state_->source.get_token()) {}

  detail::wait_record record(const std::source_location& where) const noexcept {
    detail::wait_record r;
    r.kind = detail::wait_kind::context_wait;
    r.operation = "context::wait";
    r.object_type = "context";
    r.object = state_.get();
    r.where = where;
    // A context with a deadline cancels itself: its waiters wake on their
    // own, so the tracker must not call them definite leaks.
    r.timed = deadline().has_value();
    return r;
  }

  std::shared_ptr<detail::context_state> state_;
  std::stop_token token_;
};

// Cancels the context it came with; see the header comment for copies and
// destruction.
class cancel_func {
 public:
  cancel_func() noexcept = default;

  void operator()() const noexcept {
    if (h_) h_->state->cancel(errc::canceled);
  }
  // Keep the context alive (not cancelled) when the last copy goes away.
  void disarm() const noexcept {
    if (h_) h_->armed.store(false, std::memory_order_relaxed);
  }
  explicit operator bool() const noexcept { return h_ != nullptr; }

 private:
  friend std::pair<context, cancel_func> detail::make_child(const context&,
                                                            detail::steady_time,
                                                            const std::stop_token*);
  struct holder {
    std::shared_ptr<detail::context_state> state;
    std::atomic<bool> armed{true};
    explicit holder(std::shared_ptr<detail::context_state> s) : state(std::move(s)) {}
    holder(const holder&) = delete;
    holder& operator=(const holder&) = delete;
    ~holder() {
      if (armed.load(std::memory_order_relaxed)) state->cancel(errc::canceled);
    }
  };
  explicit cancel_func(std::shared_ptr<detail::context_state> s)
      : h_(std::make_shared<holder>(std::move(s))) {}

  std::shared_ptr<holder> h_;
};

inline context background() noexcept { return context{}; }

namespace detail {
inline std::pair<context, cancel_func> make_child(const context& parent,
                                                  steady_time own,
                                                  const std::stop_token* also) {
  auto s = std::make_shared<context_state>();
  const std::shared_ptr<context_state>& p = parent.state_;
  s->parent = p;
  if (p) s->deadline = p->deadline;
  // own == no_deadline: none of its own ("never" arms no timer).
  if (own != no_deadline && (!s->deadline || own < *s->deadline)) {
    s->deadline = own;
    if (std::chrono::steady_clock::now() >= own) {
      s->cancel(errc::deadline_exceeded);
    } else {
      s->owns_timer = true;  // set before the state is shared with any thread
      deadline_timer::instance().arm(s->timer, s.get(), s, own);
    }
  }
  // Runs at once if the parent is already done.
  if (p) s->link.emplace(p->source.get_token(), context_state::propagate{s.get(), p.get()});
  if (also && also->stop_possible())
    s->extra.emplace(*also, context_state::propagate{s.get(), nullptr});
  context child(s);
  return {std::move(child), cancel_func(std::move(s))};
}
}  // namespace detail

// A child cancelled by its cancel_func or with its parent.
inline std::pair<context, cancel_func> with_cancel(const context& parent) {
  return detail::make_child(parent, detail::no_deadline);
}

// A child that is also done (deadline_exceeded) at `tp`.
template <class Clock, class Duration>
std::pair<context, cancel_func> with_deadline(
    const context& parent, const std::chrono::time_point<Clock, Duration>& tp) {
  return detail::make_child(parent, detail::to_steady(tp));
}

// A child that is also done (deadline_exceeded) after `d`.
template <class Rep, class Period>
std::pair<context, cancel_func> with_timeout(const context& parent,
                                             const std::chrono::duration<Rep, Period>& d) {
  return detail::make_child(parent, detail::after(d));
}

// A child that is also cancelled (errc::canceled) when `st` fires - to give
// code that holds a std::stop_token (a jthread's, say) a context.
inline std::pair<context, cancel_func> with_stop(const context& parent, const std::stop_token& st) {
  return detail::make_child(parent, detail::no_deadline, &st);
}

}  // namespace leakguard
