// leakguard::defer, leakguard::go and leakguard::sleep_for.
#include <leakguard/defer.hpp>
#include <leakguard/go.hpp>
#include <leakguard/sleep.hpp>

#include <gtest/gtest.h>

#include <pthread.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "probe.hpp"

using namespace std::chrono_literals;

TEST(Defer, RunsAtScopeEnd) {
  int n = 0;
  {
    leakguard::defer d([&] { ++n; });
    EXPECT_EQ(n, 0);
  }
  EXPECT_EQ(n, 1);
}

TEST(Defer, RunsDuringExceptionUnwinding) {
  int n = 0;
  try {
    leakguard::defer d([&] { ++n; });
    throw std::runtime_error("x");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(n, 1);
}

TEST(Defer, RunsInReverseOrderAndCanBeDismissed) {
  std::string log;
  {
    leakguard::defer a([&] { log += 'a'; });
    leakguard::defer b([&] { log += 'b'; });
    leakguard::defer c([&] { log += 'c'; });
    c.dismiss();
  }
  EXPECT_EQ(log, "ba");
  static_assert(!std::is_copy_constructible_v<leakguard::defer<void (*)()>>);
  static_assert(!std::is_move_constructible_v<leakguard::defer<void (*)()>>);
}

TEST(Go, PassesArgumentsAndStopToken) {
  std::atomic<int> sum{0};
  {
    auto a = leakguard::go([&](int x, int y) { sum += x + y; }, 1, 2);
    auto b = leakguard::go(
        [&](std::stop_token st, int x) {
          EXPECT_TRUE(st.stop_possible());
          sum += x;
        },
        10);
  }
  EXPECT_EQ(sum.load(), 13);
}

TEST(Go, DestructorRequestsStopAndJoins) {
  std::atomic<bool> saw_stop{false};
  {
    auto t = leakguard::go([&](std::stop_token st) {
      while (!st.stop_requested()) std::this_thread::yield();
      saw_stop = true;
    });
  }
  EXPECT_TRUE(saw_stop.load());
}

TEST(Go, MoveOnlyArguments) {
  auto p = std::make_unique<int>(3);
  int got = 0;
  leakguard::go([&](std::unique_ptr<int> q) { got = *q; }, std::move(p)).join();
  EXPECT_EQ(got, 3);
}

TEST(Go, ReportsCallSiteAndName) {
  probe::hooks h;
  const unsigned line = __LINE__ + 1;
  leakguard::go([] {}).join();
  auto th = h.last_thread();
  ASSERT_TRUE(th);
  EXPECT_EQ(th->second, line);
  EXPECT_EQ(th->first, "");

  const unsigned line2 = __LINE__ + 1;
  leakguard::go([](int) {}, 5).join();
  EXPECT_EQ(h.last_thread()->second, line2);

  std::string os_name;
  const unsigned line3 = __LINE__ + 1;
  leakguard::go(leakguard::named("stage-2-with-a-long-name"), [&] {
    char buf[32] = {};
    pthread_getname_np(pthread_self(), buf, sizeof buf);
    os_name = buf;
  }).join();
  EXPECT_EQ(h.last_thread()->first, "stage-2-with-a-long-name");
  EXPECT_EQ(h.last_thread()->second, line3);
  EXPECT_EQ(os_name, "stage-2-with-a-");  // the OS keeps 15 characters
}

TEST(Sleep, SleepsTheFullTimeWithoutStop) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(leakguard::sleep_for(2ms, std::stop_token{}));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 2ms);
  EXPECT_TRUE(leakguard::sleep_until(std::chrono::steady_clock::now() + 1ms, std::stop_token{}));
}

TEST(Sleep, StopEndsTheSleepEarly) {
  std::stop_source src;
  bool full = true;
  auto t = leakguard::go([&] { full = leakguard::sleep_for(1h, src.get_token()); });
  std::this_thread::sleep_for(1ms);
  src.request_stop();
  t.join();  // would take an hour otherwise
  EXPECT_FALSE(full);
  EXPECT_FALSE(leakguard::sleep_for(1h, src.get_token()));  // already stopped
}
