// leakguard/detail/spin_lock.hpp - the short-critical-section lock used
// inside channels and semaphores.
//
// A futex mutex ("Futexes Are Tricky", mutex #3) with a bounded spin first:
// the library's critical sections are a few dozen instructions, so waiting
// for the holder on the other core is far cheaper than a futex sleep. After
// the spin the thread sleeps in the kernel; unlock() wakes one sleeper only
// when someone sleeps. Meets Lockable (usable with std::lock_guard).
//
// unlock() touches the lock word once (an exchange) and afterwards only
// issues futex_wake on its address, so the object owning the lock may be
// destroyed by another thread as soon as that thread has locked and unlocked
// it after us.
#pragma once

#include <atomic>
#include <cstdint>

#include "leakguard/detail/futex.hpp"

namespace leakguard::detail {

class spin_lock {
 public:
  spin_lock() = default;
  spin_lock(const spin_lock&) = delete;
  spin_lock& operator=(const spin_lock&) = delete;

  void lock() noexcept {
    std::uint32_t expected = 0;
    if (state_.compare_exchange_weak(expected, 1, std::memory_order_acquire,
                                     std::memory_order_relaxed))
      return;
    lock_slow();
  }

  bool try_lock() noexcept {
    std::uint32_t expected = 0;
    return state_.compare_exchange_strong(expected, 1, std::memory_order_acquire,
                                          std::memory_order_relaxed);
  }

  void unlock() noexcept {
    if (state_.exchange(0, std::memory_order_release) == 2)
      futex_wake(&state_, 1);
  }

 private:
  static constexpr int spin_limit = 128;

  void lock_slow() noexcept {
    for (int i = 0; i < spin_limit; ++i) {
      spin_pause();
      if (state_.load(std::memory_order_relaxed) == 0) {
        std::uint32_t expected = 0;
        if (state_.compare_exchange_weak(expected, 1, std::memory_order_acquire,
                                         std::memory_order_relaxed))
          return;
      }
    }
    // 2 = locked and (maybe) somebody sleeps: the unlocker must wake.
    while (state_.exchange(2, std::memory_order_acquire) != 0)
      futex_wait(&state_, 2);
  }

  // 0 unlocked, 1 locked, 2 locked with possible sleepers.
  std::atomic<std::uint32_t> state_{0};
};

}  // namespace leakguard::detail
