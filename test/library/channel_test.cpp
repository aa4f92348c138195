// Semantics of leakguard::channel<T>: rendezvous, buffering, close, stop and
// deadline handling, value ownership, range-for, directional views.
#include <leakguard/channel.hpp>
#include <leakguard/go.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "probe.hpp"

using namespace std::chrono_literals;
using leakguard::channel;
using leakguard::op_status;

// --- the Go re-quiz facts ---------------------------------------------------

TEST(Channel, UnbufferedPushBlocksUntilAReceiverTookTheValue) {
  probe::hooks h;
  channel<int> ch;
  std::atomic<bool> pushed{false};
  auto t = leakguard::go([&] {
    ch.push(42);
    pushed = true;
  });
  ASSERT_TRUE(h.wait_blocked(&ch));  // the sender is parked in push
  EXPECT_FALSE(pushed.load());       // and cannot have returned
  EXPECT_EQ(ch.pop(), 42);
  t.join();
  EXPECT_TRUE(pushed.load());
}

TEST(Channel, UnbufferedHasNoRoomWithoutAReceiver) {
  channel<int> ch;
  EXPECT_EQ(ch.try_push(1).status, op_status::would_block);
  EXPECT_EQ(ch.push_for(1, 5ms).status, op_status::timed_out);
  EXPECT_EQ(ch.try_pop().status, op_status::would_block);
  EXPECT_EQ(ch.size(), 0u);
  EXPECT_EQ(ch.capacity(), 0u);
}

TEST(Channel, UnbufferedPopBlocksUntilASenderArrives) {
  probe::hooks h;
  channel<int> ch;
  std::atomic<bool> got{false};
  auto t = leakguard::go([&] {
    EXPECT_EQ(ch.pop(), 7);
    got = true;
  });
  ASSERT_TRUE(h.wait_blocked(&ch));
  EXPECT_FALSE(got.load());
  ch.push(7);  // hands the value straight to the parked receiver
  t.join();
  EXPECT_TRUE(got.load());
}

TEST(Channel, BufferedBlocksOnlyWhenFull) {
  channel<int> ch(3);
  // No receiver at all: three pushes must not block.
  ch.push(1);
  ch.push(2);
  EXPECT_TRUE(ch.try_push(3));
  EXPECT_EQ(ch.size(), 3u);
  EXPECT_EQ(ch.try_push(4).status, op_status::would_block);
  EXPECT_EQ(ch.push_for(4, 5ms).status, op_status::timed_out);
  EXPECT_EQ(ch.pop(), 1);
  EXPECT_TRUE(ch.try_push(4));  // room again
  EXPECT_EQ(ch.size(), 3u);
}

TEST(Channel, BufferedIsFifo) {
  channel<int> ch(8);
  for (int i = 0; i < 8; ++i) ch.push(i);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(ch.pop(), i);
}

TEST(Channel, FullBufferTakesWaitingSendersInOrder) {
  probe::hooks h;
  channel<int> ch(1);
  ch.push(0);
  auto a = leakguard::go([&] { ch.push(1); });
  ASSERT_TRUE(h.wait_blocked(&ch, 1));
  auto b = leakguard::go([&] { ch.push(2); });
  ASSERT_TRUE(h.wait_blocked(&ch, 2));
  EXPECT_EQ(ch.pop(), 0);
  EXPECT_EQ(ch.pop(), 1);
  EXPECT_EQ(ch.pop(), 2);
  a.join();
  b.join();
}

TEST(Channel, ReceiveFromClosedReturnsEmptyOnceDrained) {
  channel<int> ch(3);
  ch.push(1);
  ch.push(2);
  ch.close();
  EXPECT_TRUE(ch.is_closed());
  EXPECT_EQ(ch.pop(), 1);
  auto r = ch.try_pop();
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 2);
  EXPECT_EQ(ch.pop(), std::nullopt);
  EXPECT_EQ(ch.try_pop().status, op_status::closed);
  EXPECT_EQ(ch.pop(std::stop_token{}).status, op_status::closed);
  EXPECT_EQ(ch.pop_for(1h).status, op_status::closed);
}

// --- misuse -------------------------------------------------------------------

TEST(Channel, SendOnClosedThrows) {
  channel<int> ch(1);
  ch.close();
  EXPECT_THROW(ch.push(1), leakguard::channel_closed);
  EXPECT_EQ(ch.try_push(1).status, op_status::closed);
  EXPECT_EQ(ch.push(1, std::stop_token{}).status, op_status::closed);
  // channel_closed is a misuse_error / std::logic_error.
  try {
    ch.push(1);
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("send on closed channel"), std::string::npos);
  }
}

TEST(Channel, DoubleCloseThrows) {
  channel<int> ch;
  ch.close();
  EXPECT_THROW(ch.close(), leakguard::channel_closed);
  EXPECT_TRUE(ch.is_closed());
}

// --- close wakes everyone -------------------------------------------------

TEST(Channel, CloseWakesBlockedReceivers) {
  probe::hooks h;
  channel<int> ch;
  std::vector<leakguard::go_handle> ts;
  std::atomic<int> empty{0};
  for (int i = 0; i < 3; ++i)
    ts.push_back(leakguard::go([&] {
      if (!ch.pop()) ++empty;
    }));
  ASSERT_TRUE(h.wait_blocked(&ch, 3));
  ch.close();
  ts.clear();  // joins
  EXPECT_EQ(empty.load(), 3);
}

TEST(Channel, CloseWakesBlockedSendersAndTheyKeepTheirValue) {
  probe::hooks h;
  channel<std::string> ch;
  std::atomic<int> threw{0};
  std::string kept;
  auto a = leakguard::go([&] {
    try {
      ch.push(std::string("thrown"));
    } catch (const leakguard::channel_closed&) {
      ++threw;
    }
  });
  auto b = leakguard::go([&](std::stop_token st) {
    std::string v = "mine";
    auto r = ch.push(std::move(v), st);
    EXPECT_TRUE(r.closed());
    EXPECT_FALSE(r);
    kept = v;
  });
  ASSERT_TRUE(h.wait_blocked(&ch, 2));
  ch.close();
  a.join();
  b.join();
  EXPECT_EQ(threw.load(), 1);
  EXPECT_EQ(kept, "mine");
}

// --- stop tokens and deadlines ----------------------------------------------

TEST(Channel, StoppedPushReturnsStoppedAndLeavesTheValue) {
  probe::hooks h;
  channel<std::unique_ptr<int>> ch;
  std::stop_source src;
  auto p = std::make_unique<int>(5);
  leakguard::send_result r;
  auto t = leakguard::go([&] { r = ch.push(std::move(p), src.get_token()); });
  ASSERT_TRUE(h.wait_blocked(&ch));
  src.request_stop();
  t.join();
  EXPECT_EQ(r.status, op_status::stopped);
  EXPECT_TRUE(r.stopped());
  ASSERT_NE(p, nullptr);  // not moved from
  EXPECT_EQ(*p, 5);
  EXPECT_EQ(ch.try_pop().status, op_status::would_block);  // and nothing was queued
}

TEST(Channel, AlreadyStoppedTokenDoesNotBlockButReadyOpsStillComplete) {
  channel<int> ch(1);
  std::stop_source src;
  src.request_stop();
  EXPECT_TRUE(ch.push(1, src.get_token()));            // room: delivered
  EXPECT_EQ(ch.push(2, src.get_token()).status, op_status::stopped);  // full
  auto r = ch.pop(src.get_token());
  EXPECT_TRUE(r.delivered());
  EXPECT_EQ(*r, 1);
  EXPECT_EQ(ch.pop(src.get_token()).status, op_status::stopped);
}

// Closed wins over stopped and timed out: a blocking call looks at the ring
// exactly before it gives up, so a closed, drained channel says so.
TEST(Channel, ClosedAndDrainedSaysClosedEvenWhenStoppedOrLate) {
  channel<int> ch(2);
  ch.push(1);
  ch.close();
  std::stop_source src;
  src.request_stop();
  auto first = ch.pop(src.get_token());
  EXPECT_TRUE(first.delivered());  // what is buffered still comes out
  EXPECT_EQ(*first, 1);
  EXPECT_EQ(ch.pop(src.get_token()).status, op_status::closed);
  EXPECT_EQ(ch.pop_for(0ms).status, op_status::closed);
  EXPECT_EQ(ch.push(2, src.get_token()).status, op_status::closed);
  EXPECT_EQ(ch.push_for(3, 0ms).status, op_status::closed);
}

TEST(Channel, StoppedPopReturnsStopped) {
  probe::hooks h;
  channel<int> ch;
  std::stop_source src;
  leakguard::recv_result<int> r;
  auto t = leakguard::go([&] { r = ch.pop(src.get_token()); });
  ASSERT_TRUE(h.wait_blocked(&ch));
  src.request_stop();
  t.join();
  EXPECT_EQ(r.status, op_status::stopped);
  EXPECT_FALSE(r);
  EXPECT_FALSE(r.has_value());
}

TEST(Channel, TimedOperationsTimeOut) {
  channel<int> ch;
  auto r = ch.pop_for(2ms);
  EXPECT_EQ(r.status, op_status::timed_out);
  EXPECT_EQ(ch.pop_until(std::chrono::steady_clock::now() + 1ms).status, op_status::timed_out);
  EXPECT_EQ(ch.pop_until(std::chrono::system_clock::now() + 1ms).status, op_status::timed_out);
  int v = 3;
  EXPECT_EQ(ch.push_until(std::move(v), std::chrono::steady_clock::now()).status,
            op_status::timed_out);
  EXPECT_EQ(v, 3);
}

TEST(Channel, TimedPopReceivesWhenASenderComes) {
  channel<int> ch;
  auto t = leakguard::go([&] { ch.push(9); });
  auto r = ch.pop_for(1h);
  EXPECT_TRUE(r.delivered());
  EXPECT_EQ(*r, 9);
}

TEST(Channel, LvalueArgumentsAreCopiedNeverMoved) {
  channel<std::string> ch(1);
  std::string s = "keep";
  EXPECT_TRUE(ch.try_push(s));
  EXPECT_EQ(s, "keep");
  EXPECT_EQ(ch.try_push(s).status, op_status::would_block);
  EXPECT_EQ(s, "keep");
  EXPECT_EQ(*ch.pop(), "keep");
}

TEST(Channel, ConvertingAndBracedArguments) {
  channel<std::string> ch(2);
  ch.push("literal");  // const char* -> std::string
  EXPECT_EQ(*ch.pop(), "literal");
  channel<std::pair<int, int>> pairs(1);
  pairs.push({1, 2});  // braced: U defaults to T
  EXPECT_EQ(pairs.pop(), std::make_pair(1, 2));
}

// --- range-for and views ------------------------------------------------------

TEST(Channel, RangeForReceivesUntilClosedAndDrained) {
  channel<int> ch(2);
  auto t = leakguard::go([&] {
    for (int i = 1; i <= 100; ++i) ch.push(i);
    ch.close();
  });
  int sum = 0, n = 0;
  for (int v : ch) {
    sum += v;
    ++n;
  }
  EXPECT_EQ(n, 100);
  EXPECT_EQ(sum, 5050);
}

template <class E>
concept can_push = requires(E e) { e.push(1); };
template <class E>
concept can_close = requires(E e) { e.close(); };
template <class E>
concept can_pop = requires(E e) { e.pop(); };

static_assert(can_push<leakguard::send_end<int>> && can_close<leakguard::send_end<int>>);
static_assert(!can_pop<leakguard::send_end<int>>);
static_assert(can_pop<leakguard::recv_end<int>>);
static_assert(!can_push<leakguard::recv_end<int>> && !can_close<leakguard::recv_end<int>>);

void produce(leakguard::send_end<int> out) {
  for (int i = 0; i < 10; ++i) out.push(i);
  out.close();
}

TEST(Channel, DirectionalViews) {
  channel<int> ch(4);
  auto t = leakguard::go(produce, leakguard::send_end(ch));
  leakguard::recv_end<int> in = ch;
  int n = 0;
  for (int v : in) EXPECT_EQ(v, n++);
  EXPECT_EQ(n, 10);
  EXPECT_TRUE(in.is_closed());
}

// --- tracker integration ----------------------------------------------------

TEST(Channel, BlockingReportsWhatAndWhere) {
  probe::hooks h;
  channel<int> ch(0, "jobs");
  unsigned line = 0;
  auto t = leakguard::go([&] {
    line = __LINE__ + 1;
    (void)ch.pop();
  });
  ASSERT_TRUE(h.wait_blocked(&ch));
  ch.close();
  t.join();
  auto rec = h.last_record();
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->kind, leakguard::detail::wait_kind::channel_pop);
  EXPECT_EQ(rec->operation, "channel::pop");
  EXPECT_EQ(rec->object_type, "channel<int>");
  EXPECT_EQ(rec->object, &ch);
  EXPECT_EQ(rec->object_name, "jobs");
  EXPECT_EQ(rec->line, line);
  EXPECT_EQ(h.blocked_on(&ch), 0);
}

TEST(Channel, FastPathDoesNotReportBlocking) {
  probe::hooks h;
  channel<int> ch(1);
  ch.push(1);
  (void)ch.pop();
  EXPECT_FALSE(h.last_record());
}
