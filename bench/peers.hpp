// bench/peers.hpp - one adapter per queue under test, all with the same shape:
//
//   explicit Q(std::size_t capacity);   // 0 = unbuffered rendezvous where the
//                                       // queue has one, else the smallest bound
//   void push(long v);                  // blocks while full
//   long pop();                         // blocks while empty
//   void close();                       // native close (native_close == true)
//   template <class F> void drain(F f); // native_close: receive until closed
//                                       // and drained; else until the sentinel
//
// Queues without a close (oneTBB, moodycamel) end close_drain with one
// sentinel per consumer, which is what user code does with them.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>

#if __has_include(<leakguard/channel.hpp>)
#include <leakguard/channel.hpp>
#define LG_BENCH_HAVE_LEAKGUARD 1
#else
#define LG_BENCH_HAVE_LEAKGUARD 0
#endif

#if defined(LG_BENCH_HAVE_BOOST_FIBER)
#include <boost/fiber/buffered_channel.hpp>
#include <boost/fiber/unbuffered_channel.hpp>
#endif
#if defined(LG_BENCH_HAVE_TBB)
#include <oneapi/tbb/concurrent_queue.h>
#endif
#if defined(LG_BENCH_HAVE_MOODYCAMEL)
#include <concurrentqueue/blockingconcurrentqueue.h>
#endif

namespace lgbench {

inline constexpr long sentinel = -1;

#if LG_BENCH_HAVE_LEAKGUARD
struct leakguard_q {
  static constexpr const char* name = "leakguard";
  static constexpr bool native_close = true;
  leakguard::channel<long> ch;
  explicit leakguard_q(std::size_t cap) : ch(cap) {}
  void push(long v) { ch.push(v); }
  long pop() { return *ch.pop(); }
  void close() { ch.close(); }
  template <class F>
  void drain(F f) {
    for (long v : ch) f(v);  // range-for: receive until closed and drained
  }
};
#endif

// The floor to beat: std::deque + std::mutex + two condition variables.
struct mutex_cv_q {
  static constexpr const char* name = "mutex_cv";
  static constexpr bool native_close = true;
  std::mutex m;
  std::condition_variable not_full, not_empty;
  std::deque<long> q;
  std::size_t cap;
  bool closed = false;
  explicit mutex_cv_q(std::size_t c) : cap(c ? c : 1) {}
  void push(long v) {
    std::unique_lock lk(m);
    not_full.wait(lk, [&] { return q.size() < cap; });
    q.push_back(v);
    lk.unlock();
    not_empty.notify_one();
  }
  bool pop_or_closed(long& v) {
    std::unique_lock lk(m);
    not_empty.wait(lk, [&] { return !q.empty() || closed; });
    if (q.empty()) return false;
    v = q.front();
    q.pop_front();
    lk.unlock();
    not_full.notify_one();
    return true;
  }
  long pop() {
    long v = 0;
    pop_or_closed(v);
    return v;
  }
  void close() {
    {
      std::lock_guard lk(m);
      closed = true;
    }
    not_empty.notify_all();
  }
  template <class F>
  void drain(F f) {
    long v;
    while (pop_or_closed(v)) f(v);
  }
};

#if defined(LG_BENCH_HAVE_BOOST_FIBER)
// buffered_channel(N) needs N a power of two >= 2 and holds N-1 values:
// capacity 1 -> N = 2 (holds 1), 64 -> 64 (63), 1024 -> 1024 (1023).
// Capacity 0 uses unbuffered_channel (a real rendezvous).
inline std::size_t boost_slots(std::size_t cap) {
  std::size_t n = 2;
  while (n < cap) n <<= 1;
  return n;
}
struct boost_fiber_q {
  static constexpr const char* name = "boost_fiber";
  static constexpr bool native_close = true;
  std::size_t cap;
  std::unique_ptr<boost::fibers::buffered_channel<long>> b;
  std::unique_ptr<boost::fibers::unbuffered_channel<long>> u;
  explicit boost_fiber_q(std::size_t c) : cap(c) {
    if (c == 0)
      u = std::make_unique<boost::fibers::unbuffered_channel<long>>();
    else
      b = std::make_unique<boost::fibers::buffered_channel<long>>(boost_slots(c));
  }
  void push(long v) {
    if (u)
      u->push(v);
    else
      b->push(v);
  }
  long pop() { return u ? u->value_pop() : b->value_pop(); }
  void close() {
    if (u)
      u->close();
    else
      b->close();
  }
  template <class F>
  void drain(F f) {
    long v;
    for (;;) {
      auto s = u ? u->pop(v) : b->pop(v);
      if (s != boost::fibers::channel_op_status::success) return;
      f(v);
    }
  }
};
#endif

#if defined(LG_BENCH_HAVE_TBB)
// concurrent_bounded_queue with set_capacity; capacity 0 is run with 1.
struct tbb_q {
  static constexpr const char* name = "tbb";
  static constexpr bool native_close = false;
  tbb::concurrent_bounded_queue<long> q;
  explicit tbb_q(std::size_t c) { q.set_capacity(static_cast<std::ptrdiff_t>(c ? c : 1)); }
  void push(long v) { q.push(v); }
  long pop() {
    long v;
    q.pop(v);
    return v;
  }
  void close() {}
  template <class F>
  void drain(F f) {
    for (long v; (v = pop()) != sentinel;) f(v);
  }
};
#endif

#if defined(LG_BENCH_HAVE_MOODYCAMEL)
// BlockingConcurrentQueue is unbounded. `moodycamel` bounds it to the
// capacity with a LightweightSemaphore of free slots (moodycamel's own
// spin-then-sleep semaphore), so that every queue under test blocks the
// producer when full; `moodycamel_unbounded` is the raw queue, for reference.
struct moodycamel_q {
  static constexpr const char* name = "moodycamel";
  static constexpr bool native_close = false;
  moodycamel::BlockingConcurrentQueue<long> q;
  moodycamel::LightweightSemaphore slots;
  explicit moodycamel_q(std::size_t c)
      : q(c ? c : 1), slots(static_cast<moodycamel::LightweightSemaphore::ssize_t>(c ? c : 1)) {}
  void push(long v) {
    slots.wait();
    q.enqueue(v);
  }
  long pop() {
    long v;
    q.wait_dequeue(v);
    slots.signal();
    return v;
  }
  void close() {}
  template <class F>
  void drain(F f) {
    for (long v; (v = pop()) != sentinel;) f(v);
  }
};
struct moodycamel_unbounded_q {
  static constexpr const char* name = "moodycamel_unbounded";
  static constexpr bool native_close = false;
  moodycamel::BlockingConcurrentQueue<long> q;
  explicit moodycamel_unbounded_q(std::size_t c) : q(c ? c : 1) {}
  void push(long v) { q.enqueue(v); }
  long pop() {
    long v;
    q.wait_dequeue(v);
    return v;
  }
  void close() {}
  template <class F>
  void drain(F f) {
    for (long v; (v = pop()) != sentinel;) f(v);
  }
};
#endif

}  // namespace lgbench
