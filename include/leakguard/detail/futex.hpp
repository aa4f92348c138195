// leakguard/detail/futex.hpp - the lowest layer: park a thread on a 32-bit
// word and wake it, plus the CPU pause used while spinning.
//
// futex_wait(word, expected, deadline) sleeps only while *word == expected;
// it may return spuriously, so callers always re-check their condition in a
// loop. futex_wake(word, n) only uses the address: it is safe to call after
// the memory behind `word` was freed (a stale wake-up is a spurious wake-up
// for whoever waits there now, and every waiter tolerates those). This is
// what lets a primitive publish its final state with one atomic operation
// and wake the waiter afterwards without touching its own memory again.
//
// On Linux this is the futex system call (private futexes, absolute
// CLOCK_MONOTONIC deadlines = std::chrono::steady_clock). Elsewhere a small
// table of mutex+condition_variable buckets keyed by address stands in.
#pragma once

#include <atomic>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <thread>

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#else
#include <condition_variable>
#include <mutex>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace leakguard::detail {

using steady_time = std::chrono::steady_clock::time_point;
inline constexpr steady_time no_deadline = steady_time::max();

// One "I am spinning" hint to the CPU.
inline void spin_pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#else
  std::atomic_signal_fence(std::memory_order_seq_cst);
#endif
}

// 64 bytes covers x86-64 and most ARM cores; the standard's
// hardware_destructive_interference_size is not stable across compilers.
inline constexpr std::size_t cache_line = 64;

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));

#if defined(__linux__)

inline void futex_wait(std::atomic<std::uint32_t>* word, std::uint32_t expected,
                       steady_time deadline = no_deadline) noexcept {
  timespec ts{};
  timespec* tsp = nullptr;
  if (deadline != no_deadline) {
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  deadline.time_since_epoch())
                  .count();
    if (ns < 0) ns = 0;
    ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    tsp = &ts;
  }
  // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline.
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word),
            FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected, tsp, nullptr,
            FUTEX_BITSET_MATCH_ANY);
}

inline void futex_wake(const void* word, int n) noexcept {
  ::syscall(SYS_futex, word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, n, nullptr,
            nullptr, 0);
}

#else  // portable stand-in

struct park_bucket {
  std::mutex mu;
  std::condition_variable cv;
};
inline park_bucket& bucket_for(const void* addr) noexcept {
  static park_bucket buckets[64];
  auto h = reinterpret_cast<std::uintptr_t>(addr);
  return buckets[(h >> 4) % 64];
}
inline void futex_wait(std::atomic<std::uint32_t>* word, std::uint32_t expected,
                       steady_time deadline = no_deadline) noexcept {
  park_bucket& b = bucket_for(word);
  std::unique_lock lk(b.mu);
  if (word->load(std::memory_order_acquire) != expected) return;
  if (deadline == no_deadline)
    b.cv.wait(lk);
  else
    b.cv.wait_until(lk, deadline);
}
inline void futex_wake(const void* word, int) noexcept {
  park_bucket& b = bucket_for(word);
  { std::lock_guard lk(b.mu); }
  b.cv.notify_all();
}

#endif

}  // namespace leakguard::detail
