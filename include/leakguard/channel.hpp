// leakguard/channel.hpp - Go's chan T for C++: a typed, bounded, MPMC
// channel with close, stop-aware and timed operations, and range-for.
//
//   leakguard::channel<int> ch;        // unbuffered: a rendezvous
//   leakguard::channel<int> jobs(64);  // buffered: bounded FIFO of 64
//
// Semantics (as in Go):
//  * Unbuffered (capacity 0): push returns only once a receiver has taken
//    the value; pop waits for a sender.
//  * Buffered: push blocks only while the buffer is full, pop only while it
//    is empty. Values come out in the order they went in.
//  * close() marks the end of the stream. Every blocked sender wakes with
//    `closed` (its value stays with it; push(v) throws channel_closed);
//    receivers first drain what is buffered, then get an empty result.
//    Closing twice throws channel_closed. Only the producing side closes -
//    once, after every producer finished (see docs/library.md).
//  * Any number of threads may push and pop at once.
//
// Ownership of values: every stop-aware, timed and try_ send takes its
// argument by forwarding reference and moves from it only when it returns
// `delivered`. So after `if (!ch.push(std::move(v), st))` the caller still
// owns `v`. (An lvalue argument is copied, the original is never touched.)
//
// Blocking operations take a defaulted std::source_location so the leak
// tracker can say where a thread is blocked (see detail/tracking.hpp).
//
// Implementation. A buffered channel keeps its values in a lock-free ring
// (detail/slot_ring.hpp): a push or pop that finds room or a value takes no
// lock and makes no system call. Only a thread that must wait takes the
// channel's lock, queues itself and sleeps; the other side, after its ring
// operation, checks one flag and wakes the first sleeper to try again.
// Sleepers are woken in the order they arrived, but a thread that arrives
// just as a slot frees up may take it first (as with a mutex that allows
// barging). An unbuffered channel hands each value directly from sender to
// receiver under the channel's lock, as Go does.
//
// T must be nothrow move constructible (values are moved inside the
// channel's critical sections).
#pragma once

#include <atomic>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <iterator>
#include <optional>
#include <source_location>
#include <stop_token>
#include <string>
#include <type_traits>
#include <utility>

#include "leakguard/detail/slot_ring.hpp"
#include "leakguard/detail/spin_lock.hpp"
#include "leakguard/detail/tracking.hpp"
#include "leakguard/detail/type_name.hpp"
#include "leakguard/detail/waiter.hpp"
#include "leakguard/errors.hpp"
#include "leakguard/result.hpp"

namespace leakguard {

template <class T>
class channel;
template <class T>
class recv_case;
template <class T>
class send_case;

namespace detail {
struct channel_tag {};
}  // namespace detail

template <class T>
class channel {
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "leakguard::channel<T> needs a nothrow move constructible T");
  static_assert(std::is_object_v<T> && !std::is_const_v<T>,
                "leakguard::channel<T> needs a non-const object type");

  using loc_t = std::source_location;
  template <class U>
  static constexpr bool sendable = std::is_constructible_v<T, U&&>;

 public:
  using value_type = T;

  // capacity 0 = unbuffered (rendezvous). `name` shows up in leak reports.
  explicit channel(std::size_t capacity = 0) : cap_(capacity) { allocate(); }
  channel(std::size_t capacity, std::string name) : cap_(capacity), name_(std::move(name)) {
    allocate();
  }
  channel(const channel&) = delete;
  channel& operator=(const channel&) = delete;

  // Destroys buffered values. No thread may be blocked on the channel.
  ~channel() { detail::note_destroyed(this); }

  // --- send -------------------------------------------------------------

  // Blocks until delivered. Throws channel_closed if the channel is or
  // becomes closed before a receiver took the value.
  template <class U = T>
    requires sendable<U>
  void push(U&& v, loc_t where = loc_t::current()) {
    if (send_value(std::forward<U>(v), nullptr, detail::no_deadline, true, where) !=
        op_status::delivered)
      throw channel_closed("leakguard::channel: send on closed channel");
  }

  // Blocks until delivered, closed, or `st` fires.
  template <class U = T>
    requires sendable<U>
  send_result push(U&& v, const std::stop_token& st, loc_t where = loc_t::current()) {
    return {send_value(std::forward<U>(v), &st, detail::no_deadline, true, where)};
  }

  // As push(v, st) but also gives up (timed_out) after `d`.
  template <class U, class Rep, class Period>
    requires sendable<U>
  send_result push_for(U&& v, const std::chrono::duration<Rep, Period>& d,
                       const std::stop_token& st = {}, loc_t where = loc_t::current()) {
    return {send_value(std::forward<U>(v), &st, detail::after(d), true, where)};
  }

  template <class U, class Clock, class Duration>
    requires sendable<U>
  send_result push_until(U&& v, const std::chrono::time_point<Clock, Duration>& tp,
                         const std::stop_token& st = {}, loc_t where = loc_t::current()) {
    return {send_value(std::forward<U>(v), &st, detail::to_steady(tp), true, where)};
  }

  // Never blocks: delivered only if a receiver is waiting or there is room.
  template <class U = T>
    requires sendable<U>
  send_result try_push(U&& v) {
    return {send_value(std::forward<U>(v), nullptr, detail::no_deadline, false,
                       loc_t::current())};
  }

  // --- receive ----------------------------------------------------------

  // Blocks until a value arrives; empty once the channel is closed and
  // drained.
  std::optional<T> pop(loc_t where = loc_t::current()) {
    std::optional<T> out;
    recv_value(out, nullptr, detail::no_deadline, true, where);
    return out;
  }

  recv_result<T> pop(const std::stop_token& st, loc_t where = loc_t::current()) {
    recv_result<T> r;
    r.status = recv_value(r.value, &st, detail::no_deadline, true, where);
    return r;
  }

  template <class Rep, class Period>
  recv_result<T> pop_for(const std::chrono::duration<Rep, Period>& d,
                         const std::stop_token& st = {}, loc_t where = loc_t::current()) {
    recv_result<T> r;
    r.status = recv_value(r.value, &st, detail::after(d), true, where);
    return r;
  }

  template <class Clock, class Duration>
  recv_result<T> pop_until(const std::chrono::time_point<Clock, Duration>& tp,
                           const std::stop_token& st = {}, loc_t where = loc_t::current()) {
    recv_result<T> r;
    r.status = recv_value(r.value, &st, detail::to_steady(tp), true, where);
    return r;
  }

  // Never blocks: `would_block` if nothing is buffered and no sender waits,
  // `closed` once closed and drained.
  recv_result<T> try_pop() {
    recv_result<T> r;
    r.status = recv_value(r.value, nullptr, detail::no_deadline, false, loc_t::current());
    return r;
  }

  // --- state --------------------------------------------------------------

  // Closes the channel (see the header comment). Throws channel_closed if it
  // was closed already.
  void close() {
    if (ring_ && !ring_->close()) throw_closed_twice();
    mu_.lock();
    if (!ring_) {
      if (closed_) {
        mu_.unlock();
        throw_closed_twice();
      }
      closed_ = true;
    }
    // Unbuffered: every waiter's operation ends with `closed`. Buffered:
    // every waiter tries again and finds the ring closed (senders) or
    // drains it first (receivers).
    detail::waiter* wake = nullptr;
    auto fail_all = [this, &wake](detail::wait_queue& q) {
      while (detail::wait_node* n = q.claim_front()) {
        n->w->status = op_status::closed;
        n->w->retry = ring_.has_value();
        n->w->fired = n->index;
        n->w->next_wake = wake;
        wake = n->w;
      }
    };
    fail_all(recvq_);
    fail_all(sendq_);
    receivers_waiting_.store(false, std::memory_order_relaxed);
    senders_waiting_.store(false, std::memory_order_relaxed);
    mu_.unlock();
    while (wake) {
      detail::waiter* next = wake->next_wake;
      wake->signal_done();
      wake = next;
    }
  }

  bool is_closed() const noexcept {
    if (ring_) return ring_->closed();
    std::lock_guard lk(mu_);
    return closed_;
  }
  // Number of buffered values (always 0 for an unbuffered channel).
  std::size_t size() const noexcept { return ring_ ? ring_->size() : 0; }
  std::size_t capacity() const noexcept { return cap_; }

  // Name for leak reports. Set it before other threads use the channel.
  void set_name(std::string name) { name_ = std::move(name); }
  const std::string& name() const noexcept { return name_; }

  // --- range-for: receives until closed and drained ----------------------

  class iterator {
   public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using iterator_concept = std::input_iterator_tag;

    iterator() = default;
    T& operator*() const noexcept { return *cur_; }
    T* operator->() const noexcept { return &*cur_; }
    iterator& operator++() {
      cur_ = ch_->pop(where_);
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept {
      return !it.cur_.has_value();
    }

   private:
    friend class channel;
    iterator(channel* ch, loc_t where) : ch_(ch), where_(where) { cur_ = ch_->pop(where_); }
    channel* ch_ = nullptr;
    mutable std::optional<T> cur_;
    loc_t where_{};
  };

  iterator begin(loc_t where = loc_t::current()) { return iterator(this, where); }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  template <class>
  friend class recv_case;
  template <class>
  friend class send_case;

  static const char* type_name() {
    return detail::templ_name<detail::channel_tag, T>("channel");
  }

  void allocate() {
    if (cap_ > 0) ring_.emplace(cap_);
  }
  [[noreturn]] static void throw_closed_twice() {
    throw channel_closed("leakguard::channel: close of closed channel");
  }

  // Claims the first waiter of `q` (with mu_ held) for a buffered channel's
  // "try again" wake-up and keeps `flag` == !q.empty(). The caller signals
  // the returned waiter after unlocking.
  static detail::waiter* claim_for_retry(detail::wait_queue& q,
                                         std::atomic<bool>& flag) noexcept {
    detail::wait_node* n = q.claim_front();
    flag.store(!q.empty(), std::memory_order_relaxed);
    if (!n) return nullptr;
    n->w->retry = true;
    n->w->fired = n->index;
    return n->w;
  }

  // After a successful ring operation: wakes one waiter of the other side,
  // if there is one. The seq_cst load pairs with enqueue_locked's store (see
  // the contract in detail/slot_ring.hpp).
  void notify(detail::wait_queue& q, std::atomic<bool>& flag) noexcept {
    if (!flag.load(std::memory_order_seq_cst)) return;
    mu_.lock();
    detail::waiter* w = claim_for_retry(q, flag);
    mu_.unlock();
    if (w) w->signal_done();
  }

  // Queue / unqueue a waiter's node (mu_ held). The seq_cst store announces
  // the waiter before it re-checks the ring.
  static void enqueue_locked(detail::wait_queue& q, std::atomic<bool>& flag,
                             detail::wait_node& node) noexcept {
    q.push_back(&node);
    flag.store(true, std::memory_order_seq_cst);
  }
  static void dequeue_locked(detail::wait_queue& q, std::atomic<bool>& flag,
                             detail::wait_node& node) noexcept {
    if (node.queued) q.remove(&node);
    flag.store(!q.empty(), std::memory_order_relaxed);
  }
  void enqueue_sender_locked(detail::wait_node& n) noexcept {
    enqueue_locked(sendq_, senders_waiting_, n);
  }
  void enqueue_receiver_locked(detail::wait_node& n) noexcept {
    enqueue_locked(recvq_, receivers_waiting_, n);
  }
  void dequeue_sender_locked(detail::wait_node& n) noexcept {
    dequeue_locked(sendq_, senders_waiting_, n);
  }
  void dequeue_receiver_locked(detail::wait_node& n) noexcept {
    dequeue_locked(recvq_, receivers_waiting_, n);
  }
  // With mu_ held and this thread's node queued: could a retry succeed now?
  // Unbuffered channels change only under mu_, so never.
  bool ready_to_send_locked() const noexcept { return ring_ && ring_->ready_to_push(); }
  bool ready_to_recv_locked() const noexcept { return ring_ && ring_->ready_to_pop(); }

  // One attempt at a send with mu_ held. Returns true when resolved (then
  // `status` is delivered or closed); `wake` is a waiter to signal after
  // unlocking. Used by select and by the unbuffered path.
  bool send_locked(T& v, op_status& status, detail::waiter*& wake) noexcept {
    if (ring_) {
      const detail::ring_outcome r = ring_->try_push(v);
      if (r == detail::ring_outcome::full_or_empty) return false;
      if (r == detail::ring_outcome::done) wake = claim_for_retry(recvq_, receivers_waiting_);
      status = r == detail::ring_outcome::done ? op_status::delivered : op_status::closed;
      return true;
    }
    if (closed_) {
      status = op_status::closed;
      return true;
    }
    if (detail::wait_node* r = recvq_.claim_front()) {
      static_cast<std::optional<T>*>(r->slot)->emplace(std::move(v));
      r->w->status = op_status::delivered;
      r->w->fired = r->index;
      wake = r->w;
      status = op_status::delivered;
      return true;
    }
    return false;
  }

  // One attempt at a receive with mu_ held; like send_locked.
  bool recv_locked(std::optional<T>& dst, op_status& status,
                   detail::waiter*& wake) noexcept {
    if (ring_) {
      const detail::ring_outcome r = ring_->try_pop(dst);
      if (r == detail::ring_outcome::full_or_empty) return false;
      if (r == detail::ring_outcome::done) wake = claim_for_retry(sendq_, senders_waiting_);
      status = r == detail::ring_outcome::done ? op_status::delivered : op_status::closed;
      return true;
    }
    if (detail::wait_node* s = sendq_.claim_front()) {
      dst.emplace(std::move(*static_cast<T*>(s->slot)));
      s->w->status = op_status::delivered;
      s->w->fired = s->index;
      wake = s->w;
      status = op_status::delivered;
      return true;
    }
    if (closed_) {
      status = op_status::closed;
      return true;
    }
    return false;
  }

  template <class U>
  op_status send_value(U&& v, const std::stop_token* st, detail::steady_time deadline,
                       bool block, const loc_t& where) {
    if constexpr (std::is_same_v<U, T>) {  // an rvalue T: move only on delivery
      return send_ref(v, st, deadline, block, where);
    } else {
      T tmp(std::forward<U>(v));
      return send_ref(tmp, st, deadline, block, where);
    }
  }
  op_status send_ref(T& v, const std::stop_token* st, detail::steady_time deadline, bool block,
                     const loc_t& where) noexcept {
    return ring_ ? send_buffered(v, st, deadline, block, where)
                 : send_unbuffered(v, st, deadline, block, where);
  }
  op_status recv_value(std::optional<T>& dst, const std::stop_token* st,
                       detail::steady_time deadline, bool block, const loc_t& where) noexcept {
    return ring_ ? recv_buffered(dst, st, deadline, block, where)
                 : recv_unbuffered(dst, st, deadline, block, where);
  }

  // Why a blocking call must not (or need not) sleep yet; nullopt = sleep.
  static std::optional<op_status> must_return(bool block, const std::stop_token* st,
                                              detail::steady_time deadline) noexcept {
    if (!block) return op_status::would_block;
    if (st && st->stop_requested()) return op_status::stopped;
    if (deadline != detail::no_deadline && std::chrono::steady_clock::now() >= deadline)
      return op_status::timed_out;
    return std::nullopt;
  }

  // Buffered send: ring first; spin a little while full, looking at the ring
  // with cheap verdicts; once the spin budget is spent, an exact look, then
  // give up (stop, deadline, non-blocking) or queue, re-check and sleep until
  // a receiver (or close) says "try again".
  op_status send_buffered(T& v, const std::stop_token* st, detail::steady_time deadline,
                          bool block, const loc_t& where) noexcept {
    for (int step = 0;;) {
      const bool exact = exact_verdict(block, step);
      const detail::ring_outcome r = ring_->try_push(v, exact);
      if (r == detail::ring_outcome::done) {
        notify(recvq_, receivers_waiting_);
        return op_status::delivered;
      }
      if (r == detail::ring_outcome::closed) return op_status::closed;
      if (!exact) {  // a cheap verdict decides nothing: spin, then look again
        spin_until([this] { return ring_->push_hint(); }, step);
        continue;
      }
      if (auto early = must_return(block, st, deadline)) return *early;
      if (auto gave_up = sleep_until_retry(
              sendq_, senders_waiting_, [this] { return ring_->ready_to_push(); }, st,
              deadline, record(detail::wait_kind::channel_push, "channel::push", where)))
        return *gave_up;
    }
  }

  op_status recv_buffered(std::optional<T>& dst, const std::stop_token* st,
                          detail::steady_time deadline, bool block,
                          const loc_t& where) noexcept {
    for (int step = 0;;) {
      const bool exact = exact_verdict(block, step);
      const detail::ring_outcome r = ring_->try_pop(dst, exact);
      if (r == detail::ring_outcome::done) {
        notify(sendq_, senders_waiting_);
        return op_status::delivered;
      }
      if (r == detail::ring_outcome::closed) return op_status::closed;
      if (!exact) {  // a cheap verdict decides nothing: spin, then look again
        spin_until([this] { return ring_->pop_hint(); }, step);
        continue;
      }
      if (auto early = must_return(block, st, deadline)) return *early;
      if (auto gave_up = sleep_until_retry(
              recvq_, receivers_waiting_, [this] { return ring_->ready_to_pop(); }, st,
              deadline, record(detail::wait_kind::channel_pop, "channel::pop", where)))
        return *gave_up;
    }
  }

  // While a blocking call still has spin budget it will look at the ring
  // again, so a cheap full/empty verdict is enough (slot_ring's `exact`:
  // no read of the other side's index - SPSC capacity 1 ~3.3M -> ~11M
  // values/s, see docs/performance.md). A non-blocking call, and one about
  // to give up or sleep, needs the exact one, which also tells a closed ring
  // from an empty one (so pop(st) on a closed, drained channel says closed
  // even when st has fired).
  static bool exact_verdict(bool block, int step) noexcept {
    return !block || !detail::backoff_left(step);
  }

  // Backs off until `hint()` says a retry may succeed or the spin budget is
  // spent (the caller's next look is then exact). `step` carries the budget
  // over retries that failed anyway.
  template <class Hint>
  static void spin_until(Hint hint, int& step) noexcept {
    while (detail::backoff(step))
      if (hint()) return;
  }

  // Queues this thread on `q`, re-checks `ready` (after the announcement, so
  // no wake-up is lost) and sleeps. Returns nullopt when the caller should
  // retry its ring operation (it was woken, or the ring changed meanwhile),
  // else stopped / timed_out. A thread woken while it gave up still retries:
  // the wake-up was meant for it, and leaving without a retry could strand a
  // value (or a free slot) while another waiter sleeps.
  template <class Ready>
  std::optional<op_status> sleep_until_retry(detail::wait_queue& q, std::atomic<bool>& flag,
                                             Ready ready, const std::stop_token* st,
                                             detail::steady_time deadline,
                                             const detail::wait_record& rec) noexcept {
    detail::single_waiter sw;
    detail::waiter& w = sw.w;
    detail::wait_node& node = sw.node;
    mu_.lock();
    enqueue_locked(q, flag, node);
    if (ready()) {
      dequeue_locked(q, flag, node);
      mu_.unlock();
      return std::nullopt;
    }
    mu_.unlock();
    // No second spin inside park(): this thread has just spun on the ring.
    const detail::park_result pr = w.park(st, deadline, &rec, /*spin=*/false);
    if (pr == detail::park_result::done) return std::nullopt;
    if (w.try_claim()) {  // gave up before anyone woke us
      mu_.lock();
      dequeue_locked(q, flag, node);
      mu_.unlock();
      return pr == detail::park_result::stopped ? op_status::stopped : op_status::timed_out;
    }
    w.park_until_done();
    return std::nullopt;
  }

  op_status send_unbuffered(T& v, const std::stop_token* st, detail::steady_time deadline,
                            bool block, const loc_t& where) noexcept {
    op_status status{};
    detail::waiter* wake = nullptr;
    mu_.lock();
    if (send_locked(v, status, wake)) {
      mu_.unlock();
      if (wake) wake->signal_done();
      return status;
    }
    if (auto early = must_return(block, st, deadline)) {
      mu_.unlock();
      return *early;
    }
    detail::single_waiter sw;
    detail::waiter& w = sw.w;
    detail::wait_node& node = sw.node;
    node.slot = &v;
    sendq_.push_back(&node);
    mu_.unlock();
    return wait_for_handoff(w, node, sendq_, st, deadline,
                            record(detail::wait_kind::channel_push, "channel::push", where));
  }

  op_status recv_unbuffered(std::optional<T>& dst, const std::stop_token* st,
                            detail::steady_time deadline, bool block,
                            const loc_t& where) noexcept {
    op_status status{};
    detail::waiter* wake = nullptr;
    mu_.lock();
    if (recv_locked(dst, status, wake)) {
      mu_.unlock();
      if (wake) wake->signal_done();
      return status;
    }
    if (auto early = must_return(block, st, deadline)) {
      mu_.unlock();
      return *early;
    }
    detail::single_waiter sw;
    detail::waiter& w = sw.w;
    detail::wait_node& node = sw.node;
    node.slot = &dst;
    recvq_.push_back(&node);
    mu_.unlock();
    return wait_for_handoff(w, node, recvq_, st, deadline,
                            record(detail::wait_kind::channel_pop, "channel::pop", where));
  }

  detail::wait_record record(detail::wait_kind kind, const char* op,
                             const loc_t& where) const {
    detail::wait_record r;
    r.kind = kind;
    r.operation = op;
    r.object_type = type_name();
    r.object = this;
    r.object_name = name_.empty() ? nullptr : name_.c_str();
    r.capacity = cap_;
    r.where = where;
    return r;
  }

  // Unbuffered slow path: `node` is queued on `q` and a counterpart (or
  // close()) completes the operation for us.
  op_status wait_for_handoff(detail::waiter& w, detail::wait_node& node, detail::wait_queue& q,
                             const std::stop_token* st, detail::steady_time deadline,
                             const detail::wait_record& rec) noexcept {
    const detail::park_result pr = w.park(st, deadline, &rec);
    if (pr == detail::park_result::done) return w.status;
    if (w.try_claim()) {  // we gave up before anyone completed us
      mu_.lock();
      if (node.queued) q.remove(&node);
      mu_.unlock();
      return pr == detail::park_result::stopped ? op_status::stopped
                                                : op_status::timed_out;
    }
    w.park_until_done();  // a counterpart or close() won the race
    return w.status;
  }

  const std::size_t cap_;
  std::optional<detail::slot_ring<T>> ring_;  // buffered channels only
  // Everything below is the waiting side, touched only by threads that wait
  // or wake; on its own cache line, away from the ring's indices.
  alignas(detail::cache_line) mutable detail::spin_lock mu_;
  bool closed_ = false;  // unbuffered only; a buffered channel's is in the ring
  detail::wait_queue sendq_;
  detail::wait_queue recvq_;
  std::atomic<bool> senders_waiting_{false};    // == !sendq_.empty() (buffered)
  std::atomic<bool> receivers_waiting_{false};  // == !recvq_.empty() (buffered)
  std::string name_;
};

// Send-only view of a channel (Go's chan<- T): can push and close, cannot
// receive. Cheap to copy; the channel must outlive it.
template <class T>
class send_end {
 public:
  send_end(channel<T>& ch) noexcept : ch_(&ch) {}  // NOLINT(google-explicit-constructor)

  template <class U = T>
  void push(U&& v, std::source_location where = std::source_location::current()) const {
    ch_->push(std::forward<U>(v), where);
  }
  template <class U = T>
  send_result push(U&& v, const std::stop_token& st,
                   std::source_location where = std::source_location::current()) const {
    return ch_->push(std::forward<U>(v), st, where);
  }
  template <class U, class Rep, class Period>
  send_result push_for(U&& v, const std::chrono::duration<Rep, Period>& d,
                       const std::stop_token& st = {},
                       std::source_location where = std::source_location::current()) const {
    return ch_->push_for(std::forward<U>(v), d, st, where);
  }
  template <class U, class Clock, class Duration>
  send_result push_until(U&& v, const std::chrono::time_point<Clock, Duration>& tp,
                         const std::stop_token& st = {},
                         std::source_location where = std::source_location::current()) const {
    return ch_->push_until(std::forward<U>(v), tp, st, where);
  }
  template <class U = T>
  send_result try_push(U&& v) const {
    return ch_->try_push(std::forward<U>(v));
  }
  void close() const { ch_->close(); }
  bool is_closed() const noexcept { return ch_->is_closed(); }
  std::size_t size() const noexcept { return ch_->size(); }
  std::size_t capacity() const noexcept { return ch_->capacity(); }
  channel<T>& underlying() const noexcept { return *ch_; }

 private:
  channel<T>* ch_;
};

// Receive-only view of a channel (Go's <-chan T): can pop and range-for,
// cannot push or close. Cheap to copy; the channel must outlive it.
template <class T>
class recv_end {
 public:
  recv_end(channel<T>& ch) noexcept : ch_(&ch) {}  // NOLINT(google-explicit-constructor)

  std::optional<T> pop(std::source_location where = std::source_location::current()) const {
    return ch_->pop(where);
  }
  recv_result<T> pop(const std::stop_token& st,
                     std::source_location where = std::source_location::current()) const {
    return ch_->pop(st, where);
  }
  template <class Rep, class Period>
  recv_result<T> pop_for(const std::chrono::duration<Rep, Period>& d, const std::stop_token& st = {},
                         std::source_location where = std::source_location::current()) const {
    return ch_->pop_for(d, st, where);
  }
  template <class Clock, class Duration>
  recv_result<T> pop_until(const std::chrono::time_point<Clock, Duration>& tp,
                           const std::stop_token& st = {},
                           std::source_location where = std::source_location::current()) const {
    return ch_->pop_until(tp, st, where);
  }
  recv_result<T> try_pop() const { return ch_->try_pop(); }
  bool is_closed() const noexcept { return ch_->is_closed(); }
  std::size_t size() const noexcept { return ch_->size(); }
  std::size_t capacity() const noexcept { return ch_->capacity(); }
  typename channel<T>::iterator begin(
      std::source_location where = std::source_location::current()) const {
    return ch_->begin(where);
  }
  std::default_sentinel_t end() const noexcept { return {}; }
  channel<T>& underlying() const noexcept { return *ch_; }

 private:
  channel<T>* ch_;
};

template <class T>
send_end(channel<T>&) -> send_end<T>;
template <class T>
recv_end(channel<T>&) -> recv_end<T>;

}  // namespace leakguard
