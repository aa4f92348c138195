// The lock-free ring behind buffered channels (detail/slot_ring.hpp), and the
// channel properties that rest on it: any capacity, many laps, close racing
// with pushes, no value lost or duplicated, buffered values destroyed.
#include <leakguard/channel.hpp>
#include <leakguard/detail/slot_ring.hpp>
#include <leakguard/select.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <latch>
#include <optional>
#include <thread>
#include <vector>

#include "probe.hpp"

namespace {

using leakguard::channel;
using leakguard::op_status;
using leakguard::detail::ring_outcome;
using leakguard::detail::slot_ring;
using namespace std::chrono_literals;

class RingCapacity : public ::testing::TestWithParam<std::size_t> {};

// Fill, check full, drain, check empty - for ten laps, so positions wrap
// around the lap boundary many times, with a different fill level each time.
TEST_P(RingCapacity, FifoFullAndEmptyOverManyLaps) {
  const std::size_t cap = GetParam();
  slot_ring<int> ring(cap);
  EXPECT_EQ(ring.capacity(), cap);
  int next_in = 0, next_out = 0;
  for (int lap = 0; lap < 10; ++lap) {
    const std::size_t fill = lap % 2 ? cap : (cap + 1) / 2;
    for (std::size_t i = 0; i < fill; ++i) {
      int v = next_in;
      ASSERT_EQ(ring.try_push(v), ring_outcome::done);
      ++next_in;
    }
    EXPECT_EQ(ring.size(), fill);
    if (fill == cap) {
      int v = -1;
      EXPECT_EQ(ring.try_push(v), ring_outcome::full_or_empty);
      EXPECT_EQ(v, -1);  // untouched
      EXPECT_FALSE(ring.ready_to_push());
    }
    EXPECT_TRUE(ring.ready_to_pop());
    for (std::size_t i = 0; i < fill; ++i) {
      std::optional<int> out;
      ASSERT_EQ(ring.try_pop(out), ring_outcome::done);
      EXPECT_EQ(out, next_out++);
    }
    std::optional<int> none;
    EXPECT_EQ(ring.try_pop(none), ring_outcome::full_or_empty);
    EXPECT_FALSE(none.has_value());
    EXPECT_EQ(ring.size(), 0u);
    EXPECT_FALSE(ring.ready_to_pop());
    EXPECT_TRUE(ring.ready_to_push());
  }
}

TEST_P(RingCapacity, CloseKeepsBufferedValuesForReceivers) {
  const std::size_t cap = GetParam();
  slot_ring<int> ring(cap);
  for (std::size_t i = 0; i < cap; ++i) {
    int v = static_cast<int>(i);
    ASSERT_EQ(ring.try_push(v), ring_outcome::done);
  }
  EXPECT_TRUE(ring.close());
  EXPECT_FALSE(ring.close());  // second close reports it
  EXPECT_TRUE(ring.closed());
  int late = 99;
  EXPECT_EQ(ring.try_push(late), ring_outcome::closed);
  EXPECT_EQ(late, 99);
  EXPECT_TRUE(ring.ready_to_push());  // a push would not block: it fails
  for (std::size_t i = 0; i < cap; ++i) {
    std::optional<int> out;
    ASSERT_EQ(ring.try_pop(out), ring_outcome::done);
    EXPECT_EQ(out, static_cast<int>(i));
  }
  std::optional<int> out;
  EXPECT_EQ(ring.try_pop(out), ring_outcome::closed);
  EXPECT_TRUE(ring.ready_to_pop());
}

// The cheap verdicts (exact = false) a spinning channel operation uses: the
// same full / empty answers from the slot's stamp alone, values still move,
// and a closed, drained ring reads as merely empty until an exact look.
TEST_P(RingCapacity, CheapVerdictsAgreeAndNeverReportClosed) {
  const std::size_t cap = GetParam();
  slot_ring<int> ring(cap);
  std::optional<int> out;
  EXPECT_EQ(ring.try_pop(out, /*exact=*/false), ring_outcome::full_or_empty);
  for (std::size_t i = 0; i < cap; ++i) {
    int v = static_cast<int>(i);
    ASSERT_EQ(ring.try_push(v, /*exact=*/false), ring_outcome::done);
  }
  int extra = -1;
  EXPECT_EQ(ring.try_push(extra, /*exact=*/false), ring_outcome::full_or_empty);
  EXPECT_EQ(extra, -1);  // untouched
  ASSERT_EQ(ring.try_pop(out, /*exact=*/false), ring_outcome::done);
  EXPECT_EQ(out, 0);
  int refill = 100;
  EXPECT_EQ(ring.try_push(refill, /*exact=*/false), ring_outcome::done);  // the freed slot
  EXPECT_TRUE(ring.close());
  int late = 7;
  EXPECT_EQ(ring.try_push(late, /*exact=*/false), ring_outcome::closed);  // the tail tells
  for (std::size_t i = 1; i <= cap; ++i) {
    out.reset();
    ASSERT_EQ(ring.try_pop(out, /*exact=*/false), ring_outcome::done);
    EXPECT_EQ(out, i < cap ? static_cast<int>(i) : 100);
  }
  out.reset();
  EXPECT_EQ(ring.try_pop(out, /*exact=*/false), ring_outcome::full_or_empty);
  EXPECT_EQ(ring.try_pop(out), ring_outcome::closed);
  EXPECT_FALSE(out.has_value());
}

INSTANTIATE_TEST_SUITE_P(Capacities, RingCapacity,
                         ::testing::Values(1, 2, 3, 5, 7, 8, 63, 64, 65, 1000));

struct counted {
  static inline std::atomic<int> alive{0};
  int v = 0;
  explicit counted(int x) : v(x) { ++alive; }
  counted(counted&& o) noexcept : v(o.v) { ++alive; }
  counted& operator=(counted&&) = delete;
  ~counted() { --alive; }
};

TEST(Ring, DestroysWhatIsStillBuffered) {
  counted::alive = 0;
  {
    channel<counted> ch(5);
    for (int i = 0; i < 7; ++i) {  // wrap once: 7 in, 4 out, 3 stay
      ch.push(counted(i));
      if (i >= 3) {
        EXPECT_EQ(ch.pop()->v, i - 3);
      }
    }
    EXPECT_EQ(ch.size(), 3u);
    EXPECT_EQ(counted::alive.load(), 3);
  }
  EXPECT_EQ(counted::alive.load(), 0);
}

// P producers and C consumers through capacities 1 and 3: every value comes
// out exactly once, and each producer's values come out in its order.
TEST(Ring, ConcurrentValuesArriveExactlyOnceAndPerProducerInOrder) {
  constexpr int producers = 4, consumers = 4;
  const int per = (20000 / probe::scale_div);
  for (std::size_t cap : {1u, 3u}) {
    channel<std::uint64_t> ch(cap);
    std::vector<std::atomic<int>> seen(static_cast<std::size_t>(producers * per));
    std::vector<std::vector<std::uint64_t>> got(consumers);
    {
      std::vector<std::jthread> ts;
      for (int p = 0; p < producers; ++p)
        ts.emplace_back([&, p] {
          for (int i = 0; i < per; ++i)
            ch.push((static_cast<std::uint64_t>(p) << 32) | static_cast<std::uint64_t>(i));
        });
      for (int c = 0; c < consumers; ++c)
        ts.emplace_back([&, c] {
          for (int i = 0; i < per; ++i) got[c].push_back(*ch.pop());
        });
    }
    for (auto& g : got) {
      std::vector<std::int64_t> last(producers, -1);
      for (std::uint64_t v : g) {
        const auto p = static_cast<std::size_t>(v >> 32);
        const auto i = static_cast<std::int64_t>(v & 0xffffffffu);
        EXPECT_LT(last[p], i) << "producer " << p << " out of order";
        last[p] = i;
        ++seen[p * static_cast<std::size_t>(per) + static_cast<std::size_t>(i)];
      }
    }
    for (auto& s : seen) ASSERT_EQ(s.load(), 1);
  }
}

// close() racing with pushes: a push either delivers (and its value is
// received) or fails with `closed` (and keeps it). Nothing is lost.
TEST(Ring, CloseRacingWithPushesLosesNothing) {
  const int rounds = (200 / probe::scale_div);
  for (int round = 0; round < rounds; ++round) {
    channel<int> ch(4);
    std::atomic<int> delivered{0}, refused{0};
    std::latch go(3);
    std::jthread a([&] {
      go.arrive_and_wait();
      for (int i = 0; i < 50; ++i) {
        int v = i;
        if (ch.push(std::move(v), std::stop_token{}).delivered())
          ++delivered;
        else
          ++refused;
      }
    });
    int received = 0;
    std::jthread b([&] {
      go.arrive_and_wait();
      for (auto v : ch) {
        (void)v;
        ++received;
      }
    });
    go.arrive_and_wait();
    std::this_thread::yield();
    ch.close();
    a.join();
    b.join();
    EXPECT_EQ(delivered + refused, 50);
    EXPECT_EQ(received, delivered.load()) << "round " << round;
  }
}

// A select with both directions on one buffered channel: with room the send
// fires, with a value (and no room) the receive fires; neither can wake
// itself.
TEST(Ring, SelectSendAndReceiveOnTheSameChannel) {
  channel<int> ch(1);
  std::optional<int> got;
  auto r = leakguard::select(leakguard::recv_case(ch, got), leakguard::send_case(ch, 7));
  EXPECT_EQ(r.index, 1u);
  EXPECT_TRUE(r.delivered());
  r = leakguard::select(leakguard::recv_case(ch, got), leakguard::send_case(ch, 8));
  EXPECT_EQ(r.index, 0u);
  EXPECT_EQ(got, 7);
}

// A select blocked on a buffered channel is woken by a plain push and
// receives the value; a select blocked on a full one is woken by a plain pop.
TEST(Ring, SelectIsWokenByPlainOperations) {
  probe::hooks h;
  channel<int> in(2), out(1);
  out.push(0);  // full
  std::optional<int> got;
  leakguard::select_result r;
  {
    std::jthread t([&] {
      r = leakguard::select(leakguard::recv_case(in, got), leakguard::send_case(out, 5));
    });
    ASSERT_TRUE(h.wait_blocked(&in));
    in.push(42);
  }
  EXPECT_EQ(r.index, 0u);
  EXPECT_EQ(got, 42);
  {
    std::jthread t([&] {
      std::optional<int> unused;
      r = leakguard::select(leakguard::recv_case(in, unused), leakguard::send_case(out, 5));
    });
    ASSERT_TRUE(h.wait_blocked(&in));
    EXPECT_EQ(out.pop(), 0);
  }
  EXPECT_EQ(r.index, 1u);
  EXPECT_EQ(out.pop(), 5);
}

// Waiters with deadlines are reported as timed (the tracker never calls
// them definite leaks); waiters without are not.
TEST(Ring, TimedWaitsAreReportedAsTimed) {
  probe::hooks h;
  channel<int> buffered(1), unbuffered;
  EXPECT_EQ(buffered.pop_for(30ms).status, op_status::timed_out);
  ASSERT_TRUE(h.last_record().has_value());
  EXPECT_TRUE(h.last_record()->timed);
  EXPECT_EQ(unbuffered.pop_for(30ms).status, op_status::timed_out);
  EXPECT_TRUE(h.last_record()->timed);
  std::stop_source src;
  std::jthread t([&] { (void)buffered.pop(src.get_token()); });
  ASSERT_TRUE(h.wait_blocked(&buffered));
  EXPECT_FALSE(h.last_record()->timed);
  src.request_stop();
}

}  // namespace
