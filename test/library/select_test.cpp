// leakguard::select: one ready case fires; blocking, stop, deadline and
// default (try_select) behaviour; value ownership of send cases.
#include <leakguard/channel.hpp>
#include <leakguard/go.hpp>
#include <leakguard/select.hpp>

#include <gtest/gtest.h>

#include <string>

#include "probe.hpp"

using namespace std::chrono_literals;
using leakguard::channel;
using leakguard::op_status;
using leakguard::recv_case;
using leakguard::select_result;
using leakguard::send_case;

TEST(Select, FiresTheReadyCase) {
  channel<int> a(1), b(1);
  b.push(5);
  std::optional<int> va, vb;
  auto r = leakguard::select(recv_case(a, va), recv_case(b, vb));
  EXPECT_EQ(r.index, 1u);
  EXPECT_TRUE(r.delivered());
  EXPECT_FALSE(va);
  EXPECT_EQ(vb, 5);
}

TEST(Select, DefaultCaseWhenNothingIsReady) {
  channel<int> a, b;
  std::optional<int> va;
  int x = 1;
  auto r = leakguard::try_select(recv_case(a, va), send_case(b, std::move(x)));
  EXPECT_FALSE(r);
  EXPECT_EQ(r.status, op_status::would_block);
  EXPECT_EQ(r.index, select_result::none);
}

TEST(Select, SendCaseKeepsItsValueUnlessItFired) {
  channel<std::string> full(1), room(1);
  full.push("x");
  std::string a = "for-full", b = "for-room";
  auto r = leakguard::select(send_case(full, std::move(a)), send_case(room, std::move(b)));
  EXPECT_EQ(r.index, 1u);
  EXPECT_EQ(a, "for-full");  // untouched
  EXPECT_EQ(*room.pop(), "for-room");
}

TEST(Select, StopTokenEndsABlockedSelect) {
  probe::hooks h;
  channel<int> a;
  channel<std::string> b;
  std::stop_source src;
  select_result r;
  std::string v = "v";
  auto t = leakguard::go([&] {
    std::optional<int> va;
    r = leakguard::select(src.get_token(), recv_case(a, va), send_case(b, std::move(v)));
  });
  ASSERT_TRUE(h.wait_blocked(&a));
  src.request_stop();
  t.join();
  EXPECT_TRUE(r.stopped());
  EXPECT_EQ(r.index, select_result::none);
  EXPECT_EQ(v, "v");
  // The select left no node behind on either channel.
  EXPECT_EQ(a.try_push(1).status, op_status::would_block);
  EXPECT_EQ(b.try_pop().status, op_status::would_block);
}

TEST(Select, DeadlineEndsABlockedSelect) {
  channel<int> a;
  std::optional<int> va;
  auto r = leakguard::select_for(2ms, {}, recv_case(a, va));
  EXPECT_TRUE(r.timed_out());
  r = leakguard::select_until(std::chrono::steady_clock::now() + 1ms, {}, recv_case(a, va));
  EXPECT_TRUE(r.timed_out());
}

TEST(Select, BlockedSelectIsCompletedByALaterSender) {
  probe::hooks h;
  channel<int> a, b;
  std::optional<int> va, vb;
  select_result r;
  auto t = leakguard::go([&] { r = leakguard::select(recv_case(a, va), recv_case(b, vb)); });
  ASSERT_TRUE(h.wait_blocked(&a));
  b.push(11);  // rendezvous with the parked select
  t.join();
  EXPECT_EQ(r.index, 1u);
  EXPECT_EQ(vb, 11);
  EXPECT_FALSE(va);
  EXPECT_EQ(a.try_push(1).status, op_status::would_block);  // its node on `a` is gone
}

TEST(Select, BlockedSelectSendIsTakenByALaterReceiver) {
  probe::hooks h;
  channel<std::string> a, b;
  std::string x = "to-a", y = "to-b";
  select_result r;
  auto t = leakguard::go([&] {
    r = leakguard::select(send_case(a, std::move(x)), send_case(b, std::move(y)));
  });
  ASSERT_TRUE(h.wait_blocked(&a));
  EXPECT_EQ(*a.pop(), "to-a");
  t.join();
  EXPECT_EQ(r.index, 0u);
  EXPECT_EQ(y, "to-b");
}

TEST(Select, ClosedChannelFiresItsReceiveCase) {
  probe::hooks h;
  channel<int> a, b;
  std::optional<int> va, vb;
  select_result r;
  auto t = leakguard::go([&] { r = leakguard::select(recv_case(a, va), recv_case(b, vb)); });
  ASSERT_TRUE(h.wait_blocked(&a));
  b.close();
  t.join();
  EXPECT_EQ(r.index, 1u);
  EXPECT_TRUE(r.closed());
  EXPECT_FALSE(vb);
}

TEST(Select, SendOnClosedReportsClosed) {
  channel<int> a;
  a.close();
  int v = 1;
  auto r = leakguard::select(send_case(a, std::move(v)));
  EXPECT_EQ(r.index, 0u);
  EXPECT_TRUE(r.closed());
}

TEST(Select, ReadyCasesAreChosenFairly) {
  channel<int> a(1), b(1);
  int hits[2] = {0, 0};
  for (int i = 0; i < 400; ++i) {
    a.try_push(1);
    b.try_push(2);
    std::optional<int> va, vb;
    auto r = leakguard::select(recv_case(a, va), recv_case(b, vb));
    ASSERT_TRUE(r);
    ++hits[r.index];
  }
  EXPECT_GT(hits[0], 0);
  EXPECT_GT(hits[1], 0);
}

TEST(Select, SendAndReceiveOnTheSameChannel) {
  channel<int> a(1);
  std::optional<int> got;
  int v = 4;
  // Empty buffer: only the send can proceed.
  auto r = leakguard::select(recv_case(a, got), send_case(a, std::move(v)));
  EXPECT_EQ(r.index, 1u);
  // Full buffer: only the receive can.
  int w = 5;
  r = leakguard::select(recv_case(a, got), send_case(a, std::move(w)));
  EXPECT_EQ(r.index, 0u);
  EXPECT_EQ(got, 4);
}

TEST(Select, WorksWithViews) {
  channel<int> ch(1);
  leakguard::send_end<int> out = ch;
  leakguard::recv_end<int> in = ch;
  auto r = leakguard::select(send_case(out, 3));
  EXPECT_TRUE(r.delivered());
  std::optional<int> got;
  r = leakguard::select(recv_case(in, got));
  EXPECT_EQ(got, 3);
}

TEST(Select, PingPongBetweenTwoSelectingThreads) {
  channel<int> ping, pong;
  constexpr int rounds = 2000 / probe::scale_div;
  auto t = leakguard::go([&] {
    for (int i = 0; i < rounds; ++i) {
      std::optional<int> v;
      auto r = leakguard::select(recv_case(ping, v));
      ASSERT_TRUE(r.delivered());
      int back = *v + 1;
      leakguard::select(send_case(pong, std::move(back)));
    }
  });
  for (int i = 0; i < rounds; ++i) {
    int v = i;
    leakguard::select(send_case(ping, std::move(v)));
    std::optional<int> got;
    leakguard::select(recv_case(pong, got));
    ASSERT_EQ(got, i + 1);
  }
}
