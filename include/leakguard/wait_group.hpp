// leakguard/wait_group.hpp - Go's sync.WaitGroup.
//
//   leakguard::wait_group wg;
//   for (auto& job : jobs) {
//     wg.add(1);                              // before starting the work
//     threads.push_back(leakguard::go([&] { leakguard::defer d([&] { wg.done(); }); work(job); }));
//   }
//   wg.wait();
//
// Contract:
//  * add(n) before starting the work it counts (never inside it), done()
//    once per unit when it finishes - best through a defer.
//  * wait() returns once the counter is zero; wait(st) also returns (false)
//    when `st` fires first.
//  * The counter never goes below zero: add/done that would make it
//    negative throw leakguard::negative_counter and leave it unchanged.
//  * The wait_group may be destroyed as soon as wait() returned: the final
//    done() publishes zero with one atomic operation and afterwards only
//    issues a futex wake on the address, never touching the object again.
//  * Re-use (add after the counter reached zero) is fine once every wait()
//    of the previous round has returned - as in Go.
//
// State: one 64-bit word. High 32 bits: the counter. Low 32 bits (the futex
// word): bit 0 = somebody sleeps in wait(), bits 1..31 = a generation that
// changes on every wake-up event, so a waiter can never sleep through one.
#pragma once

#include <atomic>
#include <bit>
#include <climits>
#include <cstdint>
#include <source_location>
#include <stop_token>

#include "leakguard/detail/futex.hpp"
#include "leakguard/detail/tracking.hpp"
#include "leakguard/detail/waiter.hpp"
#include "leakguard/errors.hpp"

namespace leakguard {

class wait_group {
 public:
  wait_group() = default;
  wait_group(const wait_group&) = delete;
  wait_group& operator=(const wait_group&) = delete;
  ~wait_group() { detail::note_destroyed(this); }

  // Adds `n` (may be negative) to the counter. Throws negative_counter if
  // the result would be negative (counter unchanged).
  void add(std::int32_t n = 1) {
    std::uint64_t v = state_.load(std::memory_order_relaxed);
    for (;;) {
      const std::int64_t count = static_cast<std::int64_t>(counter(v)) + n;
      if (count < 0)
        throw negative_counter("leakguard::wait_group: negative counter");
      if (count > INT32_MAX)
        throw negative_counter("leakguard::wait_group: counter overflow");
      std::uint64_t next = (static_cast<std::uint64_t>(count) << 32) | low(v);
      const bool wake = count == 0 && (v & sleepers_bit);
      if (wake) next = bump(v) & ~std::uint64_t{sleepers_bit} & low_mask;
      if (state_.compare_exchange_weak(v, next, std::memory_order_acq_rel,
                                       std::memory_order_relaxed)) {
        if (wake) detail::futex_wake(futex_addr(), INT_MAX);  // address only
        return;
      }
    }
  }

  void done() { add(-1); }

  // Blocks until the counter is zero.
  void wait(std::source_location where = std::source_location::current()) {
    wait_impl(nullptr, where);
  }

  // Blocks until the counter is zero (true) or `st` fires (false).
  bool wait(const std::stop_token& st, std::source_location where = std::source_location::current()) {
    return wait_impl(&st, where);
  }

  // The current counter (racy by nature; for tests and diagnostics).
  std::int32_t count() const noexcept {
    return static_cast<std::int32_t>(counter(state_.load(std::memory_order_acquire)));
  }

 private:
  static constexpr std::uint64_t low_mask = 0xffff'ffffu;
  static constexpr std::uint32_t sleepers_bit = 1;

  static std::uint32_t counter(std::uint64_t v) noexcept { return static_cast<std::uint32_t>(v >> 32); }
  static std::uint64_t low(std::uint64_t v) noexcept { return v & low_mask; }
  // v with the generation advanced (stays within the low 32 bits).
  static std::uint64_t bump(std::uint64_t v) noexcept {
    const std::uint32_t lo = static_cast<std::uint32_t>(v);
    const std::uint32_t gen = (lo >> 1) + 1;
    return (v & ~low_mask) | (static_cast<std::uint64_t>(gen << 1) & low_mask) |
           (lo & sleepers_bit);
  }

  std::atomic<std::uint32_t>* futex_addr() noexcept {
    // The low half of the 64-bit word.
    auto* p = reinterpret_cast<std::atomic<std::uint32_t>*>(&state_);
    return std::endian::native == std::endian::little ? p : p + 1;
  }

  struct kicker {
    wait_group* wg;
    void operator()() const noexcept {
      std::uint64_t v = wg->state_.load(std::memory_order_relaxed);
      while (!wg->state_.compare_exchange_weak(v, bump(v), std::memory_order_acq_rel,
                                               std::memory_order_relaxed)) {
      }
      detail::futex_wake(wg->futex_addr(), INT_MAX);
    }
  };

  bool wait_impl(const std::stop_token* st, const std::source_location& where) {
    std::uint64_t v = state_.load(std::memory_order_acquire);
    if (counter(v) == 0) return true;
    for (int i = 0; i < detail::spin_pauses; ++i) {
      detail::spin_pause();
      v = state_.load(std::memory_order_acquire);
      if (counter(v) == 0) return true;
    }
    if (st && st->stop_requested()) return false;

    detail::wait_record rec;
    rec.kind = detail::wait_kind::wait_group_wait;
    rec.operation = "wait_group::wait";
    rec.object_type = "wait_group";
    rec.object = this;
    rec.where = where;
    detail::blocking_scope scope(rec);
    std::optional<std::stop_callback<kicker>> on_stop;
    if (st && st->stop_possible()) on_stop.emplace(*st, kicker{this});
    for (;;) {
      v = state_.load(std::memory_order_acquire);
      if (counter(v) == 0) return true;
      if (st && st->stop_requested()) return false;
      if (!(v & sleepers_bit)) {
        if (!state_.compare_exchange_weak(v, v | sleepers_bit, std::memory_order_acq_rel,
                                          std::memory_order_acquire))
          continue;
        v |= sleepers_bit;
      }
      detail::futex_wait(futex_addr(), static_cast<std::uint32_t>(v));
    }
  }

  std::atomic<std::uint64_t> state_{0};
};

}  // namespace leakguard
