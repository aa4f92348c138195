// leakguard/select.hpp - Go's select over several channel operations.
//
//   std::optional<int> got;
//   std::string reply = "pong";
//   auto r = leakguard::select(st,
//       leakguard::recv_case(requests, got),              // case 0
//       leakguard::send_case(replies, std::move(reply))); // case 1
//   if (!r) return;                 // stopped (st fired)
//   switch (r.index) { case 0: ...; case 1: ...; }
//
// Contract:
//  * Exactly one case fires, or none. r.index is the case that fired (its
//    position in the argument list) and r.status says how: `delivered`, or
//    `closed` (a receive from a closed and drained channel; a send on a
//    closed channel - which in Go would panic).
//  * When no case can proceed: select() blocks; select(st, ...) also gives
//    up with `stopped`; select_for/select_until also give up with
//    `timed_out`; try_select() returns `would_block` at once (Go's default
//    case). Then r.index == select_result::none.
//  * A send case moves from its value only when it fired with `delivered`;
//    otherwise the value is untouched. A receive case fills its optional only
//    when it fired with `delivered`.
//  * When several cases are ready, one is chosen pseudo-randomly (as in Go),
//    so no case starves.
//  * The cases refer to their channels and values; build them in the select
//    call (they are temporaries living for that full expression).
//
// Implementation: like Go's runtime - lock every involved channel (in
// address order), poll the cases, and if none is ready enqueue one wait node
// per case, all sharing one waiter; the first counterpart to claim the
// waiter wins, the other nodes are unlinked afterwards. A buffered channel
// changes without its lock (its ring is lock-free), so after enqueueing the
// select re-checks those cases, and a buffered channel's wake-up only means
// "try again": the select polls once more, the case that woke it first.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <source_location>
#include <stop_token>
#include <type_traits>
#include <utility>

#include "leakguard/channel.hpp"
#include "leakguard/detail/spin_lock.hpp"
#include "leakguard/detail/tracking.hpp"
#include "leakguard/detail/waiter.hpp"
#include "leakguard/result.hpp"

namespace leakguard {

struct select_result {
  static constexpr std::size_t none = static_cast<std::size_t>(-1);

  std::size_t index = none;  // the case that fired, or none
  op_status status = op_status::would_block;

  // True when a case fired (delivered or closed).
  explicit operator bool() const noexcept { return index != none; }
  bool delivered() const noexcept { return status == op_status::delivered; }
  bool closed() const noexcept { return status == op_status::closed; }
  bool stopped() const noexcept { return status == op_status::stopped; }
  bool timed_out() const noexcept { return status == op_status::timed_out; }
  bool would_block() const noexcept { return status == op_status::would_block; }
};

namespace detail {

// Type-erased view of one case for the select algorithm. All but lock()
// and object() are called with the case's channel locked.
class select_case_base {
 public:
  virtual spin_lock& lock() const noexcept = 0;
  virtual bool try_locked(op_status& status, waiter*& wake) noexcept = 0;
  virtual void enqueue_locked(wait_node& node) noexcept = 0;
  virtual void dequeue_locked(wait_node& node) noexcept = 0;
  // After enqueue_locked: could the case proceed now (buffered channels)?
  virtual bool ready_locked() const noexcept = 0;
  virtual const void* object() const noexcept = 0;
  virtual const char* object_type() const noexcept = 0;
  const std::source_location& where() const noexcept { return where_; }

 protected:
  explicit select_case_base(std::source_location where) noexcept : where_(where) {}
  ~select_case_base() = default;
  select_case_base(const select_case_base&) = default;
  select_case_base& operator=(const select_case_base&) = default;

 private:
  std::source_location where_;
};

inline std::uint32_t select_random() noexcept {
  thread_local std::uint32_t x =
      static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(&x)) | 1u;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}

template <std::size_t N>
select_result run_select(const std::array<select_case_base*, N>& cases,
                         const std::stop_token* st, steady_time deadline, bool block) {
  static_assert(N > 0, "select needs at least one case");
  std::array<spin_lock*, N> locks;
  for (std::size_t i = 0; i < N; ++i) locks[i] = &cases[i]->lock();
  std::sort(locks.begin(), locks.end(), std::less<>{});
  const std::size_t nlocks =
      static_cast<std::size_t>(std::unique(locks.begin(), locks.end()) - locks.begin());
  auto lock_all = [&] {
    for (std::size_t j = 0; j < nlocks; ++j) locks[j]->lock();
  };
  auto unlock_all = [&] {
    for (std::size_t j = nlocks; j > 0; --j) locks[j - 1]->unlock();
  };

  // Unlinks the nodes that are still queued; counterparts only touch them
  // under their channel's lock.
  auto unlink = [&](std::array<wait_node, N>& nodes) {
    for (std::size_t i = 0; i < N; ++i) {
      spin_lock& l = cases[i]->lock();
      l.lock();
      cases[i]->dequeue_locked(nodes[i]);
      l.unlock();
    }
  };

  // A case that woke us with "try again" is polled first, so the wake-up it
  // stands for is not passed over for another case.
  std::size_t first = select_result::none;
  for (;;) {
    lock_all();
    const std::size_t start = first != select_result::none ? first
                              : N == 1                     ? 0
                                                           : select_random() % N;
    for (std::size_t k = 0; k < N; ++k) {
      const std::size_t i = (start + k) % N;
      op_status status{};
      waiter* wake = nullptr;
      if (cases[i]->try_locked(status, wake)) {
        unlock_all();
        if (wake) wake->signal_done();
        return {i, status};
      }
    }
    if (!block) {
      unlock_all();
      return {select_result::none, op_status::would_block};
    }
    if (st && st->stop_requested()) {
      unlock_all();
      return {select_result::none, op_status::stopped};
    }
    if (deadline != no_deadline && std::chrono::steady_clock::now() >= deadline) {
      unlock_all();
      return {select_result::none, op_status::timed_out};
    }

    waiter w;
    std::array<wait_node, N> nodes{};
    for (std::size_t i = 0; i < N; ++i) {
      nodes[i].w = &w;
      nodes[i].index = static_cast<std::uint32_t>(i);
      cases[i]->enqueue_locked(nodes[i]);
    }
    // Nobody can claim our nodes while we hold every lock, so a case that
    // became ready meanwhile is simply polled again.
    first = select_result::none;
    for (std::size_t i = 0; i < N && first == select_result::none; ++i)
      if (cases[i]->ready_locked()) first = i;
    if (first != select_result::none) {
      for (std::size_t i = 0; i < N; ++i) cases[i]->dequeue_locked(nodes[i]);
      unlock_all();
      continue;
    }
    unlock_all();

    wait_record rec;
    rec.kind = wait_kind::channel_select;
    rec.operation = "select";
    rec.object_type = cases[0]->object_type();
    rec.object = cases[0]->object();
    rec.where = cases[0]->where();
    const park_result pr = w.park(st, deadline, &rec);
    if (pr != park_result::done) {
      if (w.try_claim()) {
        unlink(nodes);
        return {select_result::none,
                pr == park_result::stopped ? op_status::stopped : op_status::timed_out};
      }
      w.park_until_done();
    }
    unlink(nodes);
    if (!w.retry) return {w.fired, w.status};  // an unbuffered hand-off or close
    first = w.fired;
  }
}

template <class C>
inline constexpr bool is_select_case_v =
    std::is_base_of_v<select_case_base, std::remove_cvref_t<C>>;

}  // namespace detail

// A receive case: fires when a value arrives (stored into `dst`) or the
// channel is closed and drained (`dst` left as is).
template <class T>
class recv_case final : public detail::select_case_base {
 public:
  recv_case(channel<T>& ch, std::optional<T>& dst,
            std::source_location where = std::source_location::current()) noexcept
      : select_case_base(where), ch_(ch), dst_(dst) {}
  recv_case(recv_end<T> ch, std::optional<T>& dst,
            std::source_location where = std::source_location::current()) noexcept
      : select_case_base(where), ch_(ch.underlying()), dst_(dst) {}

  detail::spin_lock& lock() const noexcept override { return ch_.mu_; }
  bool try_locked(op_status& status, detail::waiter*& wake) noexcept override {
    return ch_.recv_locked(dst_, status, wake);
  }
  void enqueue_locked(detail::wait_node& node) noexcept override {
    node.slot = &dst_;
    ch_.enqueue_receiver_locked(node);
  }
  void dequeue_locked(detail::wait_node& node) noexcept override {
    ch_.dequeue_receiver_locked(node);
  }
  bool ready_locked() const noexcept override { return ch_.ready_to_recv_locked(); }
  const void* object() const noexcept override { return &ch_; }
  const char* object_type() const noexcept override { return channel<T>::type_name(); }

 private:
  channel<T>& ch_;
  std::optional<T>& dst_;
};

// A send case: fires when `value` was delivered (it is moved from then) or
// the channel is closed (`value` untouched).
template <class T>
class send_case final : public detail::select_case_base {
 public:
  send_case(channel<T>& ch, T&& value,
            std::source_location where = std::source_location::current()) noexcept
      : select_case_base(where), ch_(ch), value_(value) {}
  send_case(send_end<T> ch, T&& value,
            std::source_location where = std::source_location::current()) noexcept
      : select_case_base(where), ch_(ch.underlying()), value_(value) {}

  detail::spin_lock& lock() const noexcept override { return ch_.mu_; }
  bool try_locked(op_status& status, detail::waiter*& wake) noexcept override {
    return ch_.send_locked(value_, status, wake);
  }
  void enqueue_locked(detail::wait_node& node) noexcept override {
    node.slot = &value_;
    ch_.enqueue_sender_locked(node);
  }
  void dequeue_locked(detail::wait_node& node) noexcept override {
    ch_.dequeue_sender_locked(node);
  }
  bool ready_locked() const noexcept override { return ch_.ready_to_send_locked(); }
  const void* object() const noexcept override { return &ch_; }
  const char* object_type() const noexcept override { return channel<T>::type_name(); }

 private:
  channel<T>& ch_;
  T& value_;
};

template <class T>
recv_case(channel<T>&, std::optional<T>&) -> recv_case<T>;
template <class T>
recv_case(recv_end<T>, std::optional<T>&) -> recv_case<T>;
template <class T, class U>
send_case(channel<T>&, U&&) -> send_case<T>;
template <class T, class U>
send_case(send_end<T>, U&&) -> send_case<T>;

// Blocks until one case fires.
template <class... Cases>
  requires(sizeof...(Cases) > 0 && (detail::is_select_case_v<Cases> && ...))
select_result select(Cases&&... cases) {
  std::array<detail::select_case_base*, sizeof...(Cases)> arr{&cases...};
  return detail::run_select(arr, nullptr, detail::no_deadline, true);
}

// Blocks until one case fires or `st` fires (status stopped).
template <class... Cases>
  requires(sizeof...(Cases) > 0 && (detail::is_select_case_v<Cases> && ...))
select_result select(const std::stop_token& st, Cases&&... cases) {
  std::array<detail::select_case_base*, sizeof...(Cases)> arr{&cases...};
  return detail::run_select(arr, &st, detail::no_deadline, true);
}

// As select(st, ...), also giving up (timed_out) at `tp` / after `d`.
template <class Clock, class Duration, class... Cases>
  requires(sizeof...(Cases) > 0 && (detail::is_select_case_v<Cases> && ...))
select_result select_until(const std::chrono::time_point<Clock, Duration>& tp,
                           const std::stop_token& st, Cases&&... cases) {
  std::array<detail::select_case_base*, sizeof...(Cases)> arr{&cases...};
  return detail::run_select(arr, &st, detail::to_steady(tp), true);
}
template <class Rep, class Period, class... Cases>
  requires(sizeof...(Cases) > 0 && (detail::is_select_case_v<Cases> && ...))
select_result select_for(const std::chrono::duration<Rep, Period>& d, const std::stop_token& st,
                         Cases&&... cases) {
  std::array<detail::select_case_base*, sizeof...(Cases)> arr{&cases...};
  return detail::run_select(arr, &st, detail::after(d), true);
}

// Never blocks: fires a ready case or returns would_block (Go's default:).
template <class... Cases>
  requires(sizeof...(Cases) > 0 && (detail::is_select_case_v<Cases> && ...))
select_result try_select(Cases&&... cases) {
  std::array<detail::select_case_base*, sizeof...(Cases)> arr{&cases...};
  return detail::run_select(arr, nullptr, detail::no_deadline, false);
}

}  // namespace leakguard
