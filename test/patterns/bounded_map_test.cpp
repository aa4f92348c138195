// bounded_map.hpp: input order, the in-flight limit, deadline, cancellation,
// first exception.
#include <leakguard/bounded_map.hpp>
#include <leakguard/sleep.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "leak_check.hpp"

using namespace std::chrono_literals;
namespace lg = leakguard;

namespace {

TEST(BoundedMap, ResultsComeBackInInputOrder) {
  pattern_test::no_leaks leaks;
  {
    std::vector<int> in(200);
    for (int i = 0; i < 200; ++i) in[static_cast<std::size_t>(i)] = i;
    // Later inputs finish first (yield less), yet land in their own slots.
    auto r = lg::bounded_map(lg::background(), in, 8, [](int v) {
      for (int i = 0; i < (200 - v) % 7; ++i) std::this_thread::yield();
      return std::to_string(v);
    });
    ASSERT_TRUE(r.ok());
    std::vector<std::string> vals = std::move(r).values();
    ASSERT_EQ(vals.size(), 200u);
    for (int i = 0; i < 200; ++i) EXPECT_EQ(vals[static_cast<std::size_t>(i)], std::to_string(i));
  }
  EXPECT_TRUE(leaks.check());
}

TEST(BoundedMap, NeverMoreThanLimitInFlight) {
  for (std::size_t limit : {1u, 2u, 5u}) {
    std::atomic<int> running{0}, peak{0};
    std::vector<int> in(50, 1);
    auto r = lg::bounded_map(lg::background(), in, limit, [&](int v) {
      int now = ++running;
      int p = peak.load();
      while (now > p && !peak.compare_exchange_weak(p, now)) {
      }
      std::this_thread::yield();
      --running;
      return v;
    });
    EXPECT_TRUE(r.ok());
    EXPECT_LE(peak.load(), static_cast<int>(limit)) << "limit " << limit;
    EXPECT_GE(peak.load(), 1);
  }
}

TEST(BoundedMap, DeadlineExceededStopsInFlightAndUnstartedWork) {
  pattern_test::no_leaks leaks;
  {
    auto [ctx, cancel] = lg::with_timeout(lg::background(), 30ms);
    std::vector<int> in(100, 0);
    std::atomic<int> started{0};
    auto r = lg::bounded_map(ctx, in, 4, [&](int v, std::stop_token st) {
      ++started;
      lg::sleep_for(1h, st);  // only the deadline ends this
      return v;
    });
    EXPECT_EQ(r.error, lg::errc::deadline_exceeded);
    EXPECT_FALSE(r.ok());
    EXPECT_LE(started.load(), 4);  // no new element after the deadline... nor before: 4 slots
    ASSERT_EQ(r.slots.size(), 100u);
    EXPECT_FALSE(r.slots[99].has_value());
  }
  EXPECT_TRUE(leaks.check());
}

TEST(BoundedMap, AlreadyCancelledContextStartsNothing) {
  auto [ctx, cancel] = lg::with_cancel(lg::background());
  cancel();
  std::atomic<int> calls{0};
  std::vector<int> in(10, 0);
  auto r = lg::bounded_map(ctx, in, 3, [&](int v) {
    ++calls;
    return v;
  });
  EXPECT_EQ(r.error, lg::errc::canceled);
  EXPECT_EQ(calls.load(), 0);
}

TEST(BoundedMap, FirstExceptionCancelsTheRestAndIsRethrown) {
  pattern_test::no_leaks leaks;
  {
    std::vector<int> in(100);
    for (int i = 0; i < 100; ++i) in[static_cast<std::size_t>(i)] = i;
    std::atomic<int> cancelled{0};
    EXPECT_THROW(lg::bounded_map(lg::background(), in, 3,
                                 [&](int v, std::stop_token st) {
                                   if (v == 0) throw std::runtime_error("bad input");
                                   if (!lg::sleep_for(1h, st)) ++cancelled;
                                   return v;
                                 }),
                 std::runtime_error);
    EXPECT_LE(cancelled.load(), 2);
  }
  EXPECT_TRUE(leaks.check());
}

TEST(BoundedMap, EmptyInput) {
  auto r = lg::bounded_map(lg::background(), std::vector<int>{}, 4, [](int v) { return v; });
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.slots.empty());
}

}  // namespace
