// bench/experiments/spin_channel.hpp - a copy of include/leakguard/channel.hpp (as of commit
// de8ed9e, class channel only): the same channel, renamed lgexp::spin_channel, with one
// change marked EXPERIMENT - a blocking push on a full (pop on an empty) BUFFERED channel first
// spins for a short while on a lock-free copy of the count before it queues a waiter. Used only
// by bench_channel_experiment, to measure the fix proposed in docs/performance.md; the library is
// not changed here.
#pragma once
#include <atomic>
#include <leakguard/channel.hpp>

namespace lgexp {
using leakguard::op_status;
using leakguard::send_result;
using leakguard::recv_result;
using leakguard::channel_closed;
namespace detail {
using namespace leakguard::detail;
}  // namespace detail


namespace detail {
struct channel_tag {};
}  // namespace detail

template <class T>
class spin_channel {
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
  explicit spin_channel(std::size_t capacity = 0) : cap_(capacity) { allocate(); }
  spin_channel(std::size_t capacity, std::string name)
      : cap_(capacity), name_(std::move(name)) {
    allocate();
  }
  spin_channel(const spin_channel&) = delete;
  spin_channel& operator=(const spin_channel&) = delete;

  // Destroys buffered values. No thread may be blocked on the channel.
  ~spin_channel() {
    detail::note_destroyed(this);
    for (std::size_t i = 0; i < count_; ++i) std::destroy_at(slot_at(head_ + i));
    if (buf_) std::allocator<T>().deallocate(buf_, cap_);
  }

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
    mu_.lock();
    if (closed_) {
      mu_.unlock();
      throw channel_closed("leakguard::channel: close of closed channel");
    }
    closed_ = true;
    closed_hint_.store(true, std::memory_order_relaxed);  // EXPERIMENT
    detail::waiter* wake = nullptr;
    auto fail_all = [&wake](detail::wait_queue& q) {
      while (detail::wait_node* n = q.claim_front()) {
        n->w->status = op_status::closed;
        n->w->fired = n->index;
        n->w->next_wake = wake;
        wake = n->w;
      }
    };
    fail_all(recvq_);
    fail_all(sendq_);
    mu_.unlock();
    while (wake) {
      detail::waiter* next = wake->next_wake;
      wake->signal_done();
      wake = next;
    }
  }

  bool is_closed() const noexcept {
    std::lock_guard lk(mu_);
    return closed_;
  }
  // Number of buffered values (always 0 for an unbuffered channel).
  std::size_t size() const noexcept {
    std::lock_guard lk(mu_);
    return count_;
  }
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
    friend class spin_channel;
    iterator(spin_channel* ch, loc_t where) : ch_(ch), where_(where) { cur_ = ch_->pop(where_); }
    spin_channel* ch_ = nullptr;
    mutable std::optional<T> cur_;
    loc_t where_{};
  };

  iterator begin(loc_t where = loc_t::current()) { return iterator(this, where); }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:

  static const char* type_name() {
    return detail::templ_name<detail::channel_tag, T>("channel");
  }

  void allocate() {
    if (cap_ > 0) buf_ = std::allocator<T>().allocate(cap_);
  }
  T* slot_at(std::size_t i) const noexcept { return buf_ + (i % cap_); }

  // Called with mu_ held and count_ < cap_.
  void buffer_push(T& v) noexcept {
    std::construct_at(slot_at(head_ + count_), std::move(v));
    ++count_;
    count_hint_.store(count_, std::memory_order_relaxed);  // EXPERIMENT
  }
  // Called with mu_ held and count_ > 0.
  void buffer_pop(std::optional<T>& dst) noexcept {
    T* p = slot_at(head_);
    dst.emplace(std::move(*p));
    std::destroy_at(p);
    head_ = (head_ + 1) % cap_;
    --count_;
    count_hint_.store(count_, std::memory_order_relaxed);  // EXPERIMENT
  }

  // Tries to complete a send with mu_ held. Returns true when resolved (then
  // `status` is delivered or closed); `wake` is a claimed receiver to signal
  // after unlocking.
  bool send_locked(T& v, op_status& status, detail::waiter*& wake) noexcept {
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
    if (count_ < cap_) {
      buffer_push(v);
      status = op_status::delivered;
      return true;
    }
    return false;
  }

  // Tries to complete a receive with mu_ held; like send_locked.
  bool recv_locked(std::optional<T>& dst, op_status& status,
                   detail::waiter*& wake) noexcept {
    if (count_ > 0) {
      buffer_pop(dst);
      // A slot freed up: move the first waiting sender's value in.
      if (detail::wait_node* s = sendq_.claim_front()) {
        buffer_push(*static_cast<T*>(s->slot));
        s->w->status = op_status::delivered;
        s->w->fired = s->index;
        wake = s->w;
      }
      status = op_status::delivered;
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
      return send_impl(v, st, deadline, block, where);
    } else {
      T tmp(std::forward<U>(v));
      return send_impl(tmp, st, deadline, block, where);
    }
  }

  op_status send_impl(T& v, const std::stop_token* st, detail::steady_time deadline,
                      bool block, const loc_t& where) noexcept {
    op_status status{};
    detail::waiter* wake = nullptr;
    mu_.lock();
    if (send_locked(v, status, wake)) {
      mu_.unlock();
      if (wake) wake->signal_done();
      return status;
    }
    // EXPERIMENT: a buffered channel that is full: spin on the count (no
    // lock, no waiter) for a short while before queueing as a waiter.
    if (block && cap_ > 0) {
      for (int round = 0; round < spin_rounds; ++round) {
        mu_.unlock();
        for (int i = 0; i < spin_checks && count_hint_.load(std::memory_order_relaxed) == cap_ &&
                        !closed_hint_.load(std::memory_order_relaxed);
             ++i)
          (detail::cpu_relax)();  // parenthesized: Boost.Fiber defines a cpu_relax() macro
        mu_.lock();
        if (send_locked(v, status, wake)) {
          mu_.unlock();
          if (wake) wake->signal_done();
          return status;
        }
      }
    }
    if (!block) {
      mu_.unlock();
      return op_status::would_block;
    }
    if (st && st->stop_requested()) {
      mu_.unlock();
      return op_status::stopped;
    }
    if (deadline != detail::no_deadline && std::chrono::steady_clock::now() >= deadline) {
      mu_.unlock();
      return op_status::timed_out;
    }
    detail::waiter w;
    detail::wait_node node;
    node.w = &w;
    node.slot = &v;
    sendq_.push_back(&node);
    mu_.unlock();
    return wait(w, node, sendq_, st, deadline,
                record(detail::wait_kind::channel_push, "channel::push", where));
  }

  op_status recv_value(std::optional<T>& dst, const std::stop_token* st,
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
    // EXPERIMENT: a buffered channel that is empty: spin on the count (no
    // lock, no waiter) for a short while before queueing as a waiter.
    if (block && cap_ > 0) {
      for (int round = 0; round < spin_rounds; ++round) {
        mu_.unlock();
        for (int i = 0; i < spin_checks && count_hint_.load(std::memory_order_relaxed) == 0 &&
                        !closed_hint_.load(std::memory_order_relaxed);
             ++i)
          (detail::cpu_relax)();  // parenthesized: Boost.Fiber defines a cpu_relax() macro
        mu_.lock();
        if (recv_locked(dst, status, wake)) {
          mu_.unlock();
          if (wake) wake->signal_done();
          return status;
        }
      }
    }
    if (!block) {
      mu_.unlock();
      return op_status::would_block;
    }
    if (st && st->stop_requested()) {
      mu_.unlock();
      return op_status::stopped;
    }
    if (deadline != detail::no_deadline && std::chrono::steady_clock::now() >= deadline) {
      mu_.unlock();
      return op_status::timed_out;
    }
    detail::waiter w;
    detail::wait_node node;
    node.w = &w;
    node.slot = &dst;
    recvq_.push_back(&node);
    mu_.unlock();
    return wait(w, node, recvq_, st, deadline,
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

  // The slow path shared by send and receive: `node` is queued on `q`.
  op_status wait(detail::waiter& w, detail::wait_node& node, detail::wait_queue& q,
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

  static constexpr int spin_rounds = 4;    // EXPERIMENT
  static constexpr int spin_checks = 64;   // EXPERIMENT
  std::atomic<std::size_t> count_hint_{0};  // EXPERIMENT: count_, readable without mu_
  std::atomic<bool> closed_hint_{false};    // EXPERIMENT
  mutable detail::spin_lock mu_;
  bool closed_ = false;
  std::size_t cap_;
  T* buf_ = nullptr;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  detail::wait_queue sendq_;
  detail::wait_queue recvq_;
  std::string name_;
};

}  // namespace lgexp

namespace lgbench {
struct spin_channel_q {
  static constexpr const char* name = "leakguard_spin_experiment";
  static constexpr bool native_close = true;
  lgexp::spin_channel<long> ch;
  explicit spin_channel_q(std::size_t cap) : ch(cap) {}
  void push(long v) { ch.push(v); }
  long pop() { return *ch.pop(); }
  void close() { ch.close(); }
  template <class F>
  void drain(F f) {
    for (long v : ch) f(v);
  }
};
}  // namespace lgbench
