// bench/workloads.hpp - the channel workloads, generic over a queue adapter
// (peers.hpp). bench/go/main.go runs the same workloads on Go channels with
// the same item counts; keep the two in step.
//
// Timing: threads are started first and wait on a latch; the clock starts
// when the latch opens and stops when the last consumer has received its
// last item, so thread creation and joining are not measured.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <latch>
#include <thread>
#include <vector>

namespace lgbench {

using clock = std::chrono::steady_clock;

inline std::atomic<long> sink{0};  // keeps received values observable

// One unbuffered (or capacity-1) ping-pong: N round trips, the main thread
// sends i on `ping`, the echo thread sends it back on `pong`.
template <class Q>
double pingpong(long rounds) {
  Q ping(0), pong(0);
  std::latch start(2);
  std::thread echo([&] {
    start.arrive_and_wait();
    for (long i = 0; i < rounds; ++i) pong.push(ping.pop());
  });
  start.arrive_and_wait();
  const auto t0 = clock::now();
  long s = 0;
  for (long i = 0; i < rounds; ++i) {
    ping.push(i);
    s += pong.pop();
  }
  const auto t1 = clock::now();
  echo.join();
  sink.fetch_add(s, std::memory_order_relaxed);
  return std::chrono::duration<double>(t1 - t0).count();
}

// The machine's floor under ping-pong: two threads pass one cache line back
// and forth with plain atomics, no queue at all. On a VM this moves by
// several times as the hypervisor places the two vCPUs (98-430 ns per round
// trip within minutes on the 2-core bench machine), so SUMMARY.md shows it
// next to the ping-pong row.
inline double cacheline_round_trips(long rounds) {
  alignas(64) std::atomic<long> ping{0};
  alignas(64) std::atomic<long> pong{0};
  std::latch start(2);
  std::thread echo([&] {
    start.arrive_and_wait();
    for (long i = 1; i <= rounds; ++i) {
      while (ping.load(std::memory_order_acquire) != i) {
      }
      pong.store(i, std::memory_order_release);
    }
  });
  start.arrive_and_wait();
  const auto t0 = clock::now();
  for (long i = 1; i <= rounds; ++i) {
    ping.store(i, std::memory_order_release);
    while (pong.load(std::memory_order_acquire) != i) {
    }
  }
  const auto t1 = clock::now();
  echo.join();
  return std::chrono::duration<double>(t1 - t0).count();
}

// P producers push items/P each, C consumers pop items/C each (items must be
// divisible by both), through one queue of the given capacity.
template <class Q>
double transfer(int producers, int consumers, std::size_t capacity, long items) {
  Q q(capacity);
  std::latch start(producers + consumers + 1);
  std::atomic<int> running{consumers};
  clock::time_point t1;
  std::vector<std::thread> ts;
  ts.reserve(static_cast<std::size_t>(producers + consumers));
  for (int p = 0; p < producers; ++p)
    ts.emplace_back([&, p] {
      start.arrive_and_wait();
      const long n = items / producers;
      for (long i = 0; i < n; ++i) q.push(p * n + i);
    });
  for (int c = 0; c < consumers; ++c)
    ts.emplace_back([&] {
      start.arrive_and_wait();
      const long n = items / consumers;
      long s = 0;
      for (long i = 0; i < n; ++i) s += q.pop();
      sink.fetch_add(s, std::memory_order_relaxed);
      if (running.fetch_sub(1, std::memory_order_acq_rel) == 1) t1 = clock::now();
    });
  const auto t0 = clock::now();
  start.count_down();
  for (auto& t : ts) t.join();
  return std::chrono::duration<double>(t1 - t0).count();
}

// One producer pushes `items` values and closes; C consumers receive until
// the channel is closed and drained (queues without close: one sentinel per
// consumer after the values).
template <class Q>
double close_drain(int consumers, std::size_t capacity, long items) {
  Q q(capacity);
  std::latch start(consumers + 2);
  std::atomic<int> running{consumers};
  clock::time_point t1;
  std::vector<std::thread> ts;
  ts.emplace_back([&] {
    start.arrive_and_wait();
    for (long i = 0; i < items; ++i) q.push(i);
    if constexpr (Q::native_close)
      q.close();
    else
      for (int c = 0; c < consumers; ++c) q.push(sentinel);
  });
  for (int c = 0; c < consumers; ++c)
    ts.emplace_back([&] {
      start.arrive_and_wait();
      long s = 0;
      q.drain([&](long v) { s += v; });
      sink.fetch_add(s, std::memory_order_relaxed);
      if (running.fetch_sub(1, std::memory_order_acq_rel) == 1) t1 = clock::now();
    });
  const auto t0 = clock::now();
  start.count_down();
  for (auto& t : ts) t.join();
  return std::chrono::duration<double>(t1 - t0).count();
}

}  // namespace lgbench
