// rate_limiter.hpp (token-bucket math on an explicit clock, wait failures,
// give-back on cancel, burst 0 / rate 0) and ticker.hpp.
#include <leakguard/context.hpp>
#include <leakguard/go.hpp>
#include <leakguard/rate_limiter.hpp>
#include <leakguard/ticker.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <stop_token>
#include <thread>

#include "leak_check.hpp"

using namespace std::chrono_literals;
namespace lg = leakguard;
using clk = std::chrono::steady_clock;

namespace {

TEST(RateLimiter, BurstAfterIdleThenSteadyRate) {
  lg::rate_limiter lim(10.0, 3);  // one token per 100 ms, bucket of 3
  const auto t0 = clk::now() + 1h;  // far enough that the bucket is full
  EXPECT_TRUE(lim.allow_at(t0, 1));
  EXPECT_TRUE(lim.allow_at(t0, 1));
  EXPECT_TRUE(lim.allow_at(t0, 1));
  EXPECT_FALSE(lim.allow_at(t0, 1));          // burst used up
  EXPECT_FALSE(lim.allow_at(t0 + 50ms, 1));   // half a token
  EXPECT_TRUE(lim.allow_at(t0 + 100ms, 1));   // steady rate
  EXPECT_FALSE(lim.allow_at(t0 + 150ms, 1));
  EXPECT_TRUE(lim.allow_at(t0 + 200ms, 1));
  // Long idle refills at most `burst` tokens.
  EXPECT_TRUE(lim.allow_at(t0 + 10s, 3));
  EXPECT_FALSE(lim.allow_at(t0 + 10s, 1));
}

TEST(RateLimiter, AllowNIsAllOrNothing) {
  lg::rate_limiter lim(1.0, 5);
  const auto t0 = clk::now() + 1h;
  EXPECT_TRUE(lim.allow_at(t0, 4));
  EXPECT_FALSE(lim.allow_at(t0, 2));  // only one left: takes nothing
  EXPECT_TRUE(lim.allow_at(t0, 1));
  EXPECT_FALSE(lim.allow_at(t0, 6));  // more than the burst: never
  EXPECT_TRUE(lim.allow_at(t0, 0));
}

TEST(RateLimiter, WaitFailsAtOnceWhenNExceedsBurst) {
  lg::rate_limiter lim(1000.0, 2);
  EXPECT_EQ(lim.wait_n(3), lg::rate_errc::exceeds_burst);
  EXPECT_FALSE(lim.wait_n(2));  // the bucket is untouched by the failure
}

TEST(RateLimiter, WaitFailsAtOnceWhenItWouldPassTheDeadline) {
  lg::rate_limiter lim(5.0, 1);  // one per 200 ms
  ASSERT_TRUE(lim.allow());
  auto [ctx, cancel] = lg::with_timeout(lg::background(), 1h);
  auto [shortctx, c2] = lg::with_timeout(lg::background(), 20ms);
  // Fails instead of waiting (a wait would have ended in success).
  EXPECT_EQ(lim.wait(shortctx), lg::errc::deadline_exceeded);
  // Nothing was reserved by the failed wait: no debt.
  EXPECT_GT(lim.tokens(), -0.5);
  // With a far deadline the same wait succeeds (after <= 200 ms).
  EXPECT_FALSE(lim.wait(ctx));
}

TEST(RateLimiter, WaitReturnsEarlyOnStopAndGivesTokensBack) {
  pattern_test::no_leaks leaks;
  {
    lg::rate_limiter lim(0.01, 1);  // one token per 100 s
    ASSERT_TRUE(lim.allow());
    std::stop_source src;
    std::error_code got;
    auto waiter = lg::go([&] { got = lim.wait(src.get_token()); });
    // The reservation is made before the wait sleeps: tokens go negative.
    while (lim.tokens() > -0.5) std::this_thread::yield();
    src.request_stop();
    waiter.join();
    EXPECT_EQ(got, lg::errc::canceled);
    // The cancelled reservation's token came back: no debt left.
    EXPECT_GT(lim.tokens(), -0.5);
  }
  EXPECT_TRUE(leaks.check());
}

TEST(RateLimiter, WaitWithCancelledContextReportsItsError) {
  lg::rate_limiter lim(1.0, 1);
  auto [ctx, cancel] = lg::with_cancel(lg::background());
  cancel();
  EXPECT_EQ(lim.wait(ctx), lg::errc::canceled);
}

TEST(RateLimiter, BurstZeroAllowsNothing) {
  lg::rate_limiter lim(100.0, 0);
  EXPECT_FALSE(lim.allow());
  EXPECT_FALSE(lim.allow_at(clk::now() + 1h, 1));
  EXPECT_EQ(lim.wait(), lg::rate_errc::exceeds_burst);  // at once, no hang
  EXPECT_FALSE(lim.wait_n(0));                          // n == 0 always fine
}

TEST(RateLimiter, RateZeroSpendsTheBucketOnceThenFailsAtOnce) {
  lg::rate_limiter lim(0.0, 2);
  EXPECT_TRUE(lim.allow());
  EXPECT_FALSE(lim.wait());  // second token, at once
  EXPECT_FALSE(lim.allow_at(clk::now() + 1h, 1));  // never refills
  EXPECT_EQ(lim.wait(), lg::rate_errc::never_available);
}

TEST(RateLimiter, UnlimitedIgnoresBurst) {
  lg::rate_limiter lim(lg::rate_limiter::unlimited, 0);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(lim.allow());
  EXPECT_FALSE(lim.wait_n(1000));
}

TEST(RateLimiter, EveryAndSetters) {
  EXPECT_DOUBLE_EQ(lg::rate_limiter::every(250ms), 4.0);
  EXPECT_EQ(lg::rate_limiter::every(0ms), lg::rate_limiter::unlimited);
  EXPECT_THROW(lg::rate_limiter(-1.0, 1), std::invalid_argument);
  lg::rate_limiter lim(1.0, 1);
  lim.set_burst(3);
  lim.set_rate(2.0);
  EXPECT_EQ(lim.burst(), 3u);
  EXPECT_DOUBLE_EQ(lim.rate(), 2.0);
}

TEST(RateLimiter, WaitPacesAtTheRate) {
  lg::rate_limiter lim(100.0, 1);  // 10 ms apart
  const auto start = clk::now();
  for (int i = 0; i < 6; ++i) ASSERT_FALSE(lim.wait());
  // 1 from the bucket, then 5 more at 10 ms each: at least ~50 ms.
  EXPECT_GE(clk::now() - start, 45ms);
}

TEST(Ticker, TicksAreSpacedAndDueTimesAdvance) {
  lg::ticker t(5ms);
  auto a = t.wait();
  auto b = t.wait();
  ASSERT_TRUE(a && b);
  EXPECT_GE(*b - *a, 5ms);
  EXPECT_EQ((*b - *a) % 5ms, 0ms);  // due times stay on the grid
}

TEST(Ticker, MissedTicksCollapseIntoOne) {
  lg::ticker t(2ms);
  std::this_thread::sleep_for(20ms);  // ~10 ticks pass unobserved
  const auto before = clk::now();
  auto first = t.wait();  // the collapsed tick: the most recent due time
  ASSERT_TRUE(first);
  EXPECT_GT(*first, before - 2ms);
  auto next = t.wait();  // then on schedule after it, not a backlog of old ticks
  ASSERT_TRUE(next);
  EXPECT_GT(*next, before);
  EXPECT_EQ((*next - *first) % 2ms, 0ms);
}

TEST(Ticker, StopTokenAndStopEndTheWait) {
  pattern_test::no_leaks leaks;
  {
    lg::ticker t(1h);
    std::stop_source src;
    bool got_tick = true;
    auto w = lg::go([&] { got_tick = t.wait(src.get_token()).has_value(); });
    src.request_stop();
    w.join();
    EXPECT_FALSE(got_tick);

    bool got2 = true;
    std::atomic<bool> in_wait{false};
    auto w2 = lg::go([&] {
      in_wait = true;
      got2 = t.wait().has_value();
    });
    while (!in_wait) std::this_thread::yield();
    t.stop();
    w2.join();
    EXPECT_FALSE(got2);
    EXPECT_FALSE(t.wait().has_value());  // stopped for good
    t.reset(1ms);
    EXPECT_TRUE(t.wait().has_value());
  }
  EXPECT_TRUE(leaks.check());
  EXPECT_THROW(lg::ticker(0ms), std::invalid_argument);
}

}  // namespace
