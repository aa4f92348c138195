// leakguard/detail/waiter.hpp - one blocked thread, and the intrusive queues
// primitives keep their blocked threads in.
//
// A `waiter` lives on the blocked thread's stack for the duration of one
// blocking call. Protocol:
//  * Whoever completes the operation for the waiter (a counterpart, close(),
//    a release) first wins `try_claim()`, then fills in the result fields
//    under the primitive's lock, drops the lock, and finally calls
//    `signal_done()`: a single atomic RMW on the waiter, followed at most by a
//    futex wake on its address. After that it never touches the waiter (or
//    the primitive) again, so the woken thread may return and destroy both.
//  * A waiter that gives up (stop token, deadline) must itself win
//    `try_claim()` before it may leave; if it loses, somebody is already
//    completing it and it waits for `signal_done()` with park_until_done().
//    A select waiter has several nodes (one per case) but one claim.
//  * park() spins briefly, then yields a few times, and only then reports
//    the wait to the leak tracker (blocking_scope), registers a
//    std::stop_callback and sleeps on the futex. Stop requests that arrive
//    while sleeping "kick" the waiter awake.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <thread>
#include <type_traits>

#include "leakguard/detail/futex.hpp"
#include "leakguard/detail/tracking.hpp"
#include "leakguard/result.hpp"

namespace leakguard::detail {

enum class park_result : std::uint8_t { done, stopped, timed_out };

// Spin budget before sleeping. A futex sleep/wake costs tens of microseconds
// on small VMs, a pause ~10-40 ns; the counterpart of a channel operation
// typically shows up within a few hundred nanoseconds.
inline constexpr int spin_pauses = 256;
inline constexpr int spin_yields = 16;

class waiter {
 public:
  waiter() = default;
  waiter(const waiter&) = delete;
  waiter& operator=(const waiter&) = delete;

  // Exactly one caller ever gets true.
  bool try_claim() noexcept {
    std::uint32_t expected = 0;
    return claim_.compare_exchange_strong(expected, 1, std::memory_order_acq_rel,
                                          std::memory_order_relaxed);
  }

  // Final publication by the claimer; see the protocol above.
  void signal_done() noexcept {
    const std::uint32_t old = word_.fetch_or(done_bit, std::memory_order_acq_rel);
    if (old & parked_bit) futex_wake(&word_, 1);
  }

  // Waits until signal_done(), the stop token fires (`st` may be null) or
  // `deadline` passes. `spin` = spin/yield before sleeping (off for sleeps).
  // `rec` (may be null) is reported to the leak tracker for as long as the
  // thread sleeps - not while it spins.
  park_result park(const std::stop_token* st, steady_time deadline, const wait_record* rec,
                   bool spin = true) noexcept {
    const bool timed = deadline != no_deadline;
    if (spin) {
      for (int i = 0; i < spin_pauses; ++i) {
        if (word_.load(std::memory_order_acquire) & done_bit) return park_result::done;
        spin_pause();
      }
      for (int i = 0; i < spin_yields; ++i) {
        if (word_.load(std::memory_order_acquire) & done_bit) return park_result::done;
        if (st && st->stop_requested()) return park_result::stopped;
        if (timed && std::chrono::steady_clock::now() >= deadline)
          return park_result::timed_out;
        std::this_thread::yield();
      }
    }
    if (word_.load(std::memory_order_acquire) & done_bit) return park_result::done;
    if (st && st->stop_requested()) return park_result::stopped;
    // A wait with a deadline ends by itself: tell the tracker so, whatever
    // the caller filled in.
    std::optional<wait_record> timed_rec;
    if (rec && timed && !rec->timed) {
      timed_rec.emplace(*rec);
      timed_rec->timed = true;
      rec = &*timed_rec;
    }
    std::optional<blocking_scope> scope;
    if (rec) scope.emplace(*rec);
    std::optional<std::stop_callback<kicker>> on_stop;
    if (st && st->stop_possible()) on_stop.emplace(*st, kicker{this});
    for (;;) {
      std::uint32_t v = word_.load(std::memory_order_acquire);
      if (v & done_bit) return park_result::done;
      if (v & kicked_bit) return park_result::stopped;
      if (timed && std::chrono::steady_clock::now() >= deadline)
        return park_result::timed_out;
      if (!(v & parked_bit)) {
        if (!word_.compare_exchange_weak(v, v | parked_bit, std::memory_order_acq_rel,
                                         std::memory_order_acquire))
          continue;
        v |= parked_bit;
      }
      futex_wait(&word_, v, deadline);
    }
  }

  // After losing try_claim(): the claimer is about to call signal_done().
  void park_until_done() noexcept {
    for (int i = 0; i < spin_pauses; ++i) {
      if (word_.load(std::memory_order_acquire) & done_bit) return;
      spin_pause();
    }
    for (;;) {
      std::uint32_t v = word_.load(std::memory_order_acquire);
      if (v & done_bit) return;
      if (!(v & parked_bit)) {
        if (!word_.compare_exchange_weak(v, v | parked_bit, std::memory_order_acq_rel,
                                         std::memory_order_acquire))
          continue;
        v |= parked_bit;
      }
      futex_wait(&word_, v);
    }
  }

  // Result fields: written by the claimer before signal_done(), read by the
  // waiter after park() returned done.
  std::uint32_t fired = 0;                    // index of the node (select case)
  op_status status = op_status::delivered;    // delivered or closed
  bool retry = false;                         // only "try again": a buffered
                                              // channel changed (see channel.hpp)
  waiter* next_wake = nullptr;                // claimer's private wake list

 private:
  static constexpr std::uint32_t parked_bit = 1;
  static constexpr std::uint32_t done_bit = 2;
  static constexpr std::uint32_t kicked_bit = 4;

  struct kicker {
    waiter* w;
    void operator()() const noexcept {
      const std::uint32_t old = w->word_.fetch_or(kicked_bit, std::memory_order_acq_rel);
      if (old & parked_bit) futex_wake(&w->word_, 1);
    }
  };

  std::atomic<std::uint32_t> word_{0};
  std::atomic<std::uint32_t> claim_{0};
};

// Bounded spinning before a thread registers as a waiter: `step` starts at 0;
// each call waits a little longer (pauses, then yields) and returns false
// once the caller should stop retrying and sleep.
// The budget was chosen by bench/channels.cpp runs on a 2-core VM (see
// docs/performance.md); it is short because a thread that spins while its
// counterpart is not running only delays the counterpart.
inline constexpr int backoff_spin_steps = 6;   // 1+2+...+32 = 63 pauses
inline constexpr int backoff_yield_steps = 8;
inline constexpr bool backoff_left(int step) noexcept {
  return step < backoff_spin_steps + backoff_yield_steps;
}
inline bool backoff(int& step) noexcept {
  if (step < backoff_spin_steps) {
    for (int i = 0; i < (1 << step); ++i) spin_pause();
  } else if (backoff_left(step)) {
    std::this_thread::yield();
  } else {
    return false;
  }
  ++step;
  return true;
}

// One entry in a primitive's wait queue. Owned by the blocked thread; linked
// and unlinked only under the primitive's lock.
// The fields a channel counterpart touches come first (see single_waiter).
struct wait_node {
  waiter* w = nullptr;
  void* slot = nullptr;       // channel: T* (sender) / std::optional<T>* (receiver)
  wait_node* prev = nullptr;
  wait_node* next = nullptr;
  std::uint32_t index = 0;    // select: case index
  bool queued = false;
  std::ptrdiff_t weight = 0;  // semaphores: permits wanted
};

// One thread waiting in one queue: its waiter and its node start one cache
// line, so the counterpart that completes the wait (claim, result, unlink,
// done bit) moves that one line to its core and back, not two or three.
// bench/channels.cpp ping-pong: ~3.2M -> ~3.7M round trips/s.
struct alignas(cache_line) single_waiter {
  single_waiter() noexcept { node.w = &w; }
  single_waiter(const single_waiter&) = delete;
  single_waiter& operator=(const single_waiter&) = delete;
  waiter w;
  wait_node node;
};

// FIFO of wait_nodes (intrusive, doubly linked).
class wait_queue {
 public:
  bool empty() const noexcept { return head_ == nullptr; }
  wait_node* front() const noexcept { return head_; }

  void push_back(wait_node* n) noexcept {
    n->queued = true;
    n->next = nullptr;
    n->prev = tail_;
    if (tail_)
      tail_->next = n;
    else
      head_ = n;
    tail_ = n;
  }

  wait_node* pop_front() noexcept {
    wait_node* n = head_;
    if (n) remove(n);
    return n;
  }

  void remove(wait_node* n) noexcept {
    if (n->prev)
      n->prev->next = n->next;
    else
      head_ = n->next;
    if (n->next)
      n->next->prev = n->prev;
    else
      tail_ = n->prev;
    n->prev = n->next = nullptr;
    n->queued = false;
  }

  // Pops nodes until one whose waiter this caller claims (nullptr if none).
  // Nodes of waiters claimed elsewhere (cancelled, or a select that fired on
  // another channel) are dropped on the way.
  wait_node* claim_front() noexcept {
    while (wait_node* n = pop_front())
      if (n->w->try_claim()) return n;
    return nullptr;
  }

 private:
  wait_node* head_ = nullptr;
  wait_node* tail_ = nullptr;
};

// Converts any clock's time point to a steady_clock deadline.
template <class Clock, class Duration>
steady_time to_steady(const std::chrono::time_point<Clock, Duration>& tp) {
  if constexpr (std::is_same_v<Clock, std::chrono::steady_clock>) {
    if (tp == std::chrono::time_point<Clock, Duration>::max()) return no_deadline;
    return std::chrono::time_point_cast<steady_time::duration>(tp);
  } else {
    auto rel = tp - Clock::now();
    return std::chrono::steady_clock::now() +
           std::chrono::duration_cast<steady_time::duration>(rel);
  }
}

template <class Rep, class Period>
steady_time after(const std::chrono::duration<Rep, Period>& d) {
  const auto now = std::chrono::steady_clock::now();
  if (d <= d.zero()) return now;
  // Saturate instead of overflowing for "forever"-style durations.
  const auto room = std::chrono::duration_cast<std::chrono::duration<double>>(
      no_deadline - now);
  if (std::chrono::duration_cast<std::chrono::duration<double>>(d) >= room)
    return no_deadline;
  return now + std::chrono::duration_cast<steady_time::duration>(d);
}

}  // namespace leakguard::detail
