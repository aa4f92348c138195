// task_group.hpp: first error, cancel-the-rest, limits, try_go, tokens and
// contexts, destruction without wait().
#include <leakguard/sleep.hpp>
#include <leakguard/task_group.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <system_error>

#include "leak_check.hpp"

using namespace std::chrono_literals;
namespace lg = leakguard;

namespace {

const std::error_code kBoom = std::make_error_code(std::errc::io_error);

TEST(TaskGroup, AllSucceedWaitReturnsEmptyAndCancelsContext) {
  pattern_test::no_leaks leaks;
  {
    lg::task_group g;
    std::atomic<int> n{0};
    for (int i = 0; i < 10; ++i) g.go([&] { ++n; });
    EXPECT_FALSE(g.wait());
    EXPECT_EQ(n.load(), 10);
    EXPECT_TRUE(g.context().done());  // cancelled when wait() returns
    EXPECT_EQ(g.context().err(), lg::errc::canceled);
  }
  EXPECT_TRUE(leaks.check());
}

TEST(TaskGroup, FirstErrorCodeIsReturnedAndCancelsTheRest) {
  pattern_test::no_leaks leaks;
  {
    lg::task_group g;
    std::atomic<int> stopped{0};
    for (int i = 0; i < 4; ++i)
      g.go([&](std::stop_token st) -> std::error_code {
        if (!lg::sleep_for(1h, st)) ++stopped;  // only the cancel ends this
        return {};
      });
    g.go([]() -> std::error_code { return kBoom; });
    EXPECT_EQ(g.wait(), kBoom);
    EXPECT_EQ(stopped.load(), 4);
    EXPECT_EQ(g.cause(), kBoom);
    EXPECT_EQ(g.cause_exception(), nullptr);
  }
  EXPECT_TRUE(leaks.check());
}

TEST(TaskGroup, OnlyTheFirstErrorIsKept) {
  lg::task_group g;
  auto [first_done, mark] = lg::with_cancel(lg::background());
  g.go([mark = mark]() -> std::error_code {
    mark();
    return kBoom;
  });
  g.go([fd = first_done](lg::context ctx) -> std::error_code {
    fd.wait();
    ctx.wait();  // cancelled by the first error
    return std::make_error_code(std::errc::timed_out);
  });
  EXPECT_EQ(g.wait(), kBoom);
  EXPECT_EQ(g.wait(), kBoom);  // stable
}

TEST(TaskGroup, FirstExceptionIsRethrownFromWait) {
  pattern_test::no_leaks leaks;
  {
    lg::task_group g;
    g.go([](lg::context ctx) { ctx.wait(); });
    g.go([] { throw std::runtime_error("first"); });
    EXPECT_THROW(g.wait(), std::runtime_error);
    EXPECT_NE(g.cause_exception(), nullptr);
    EXPECT_FALSE(g.cause());
  }
  EXPECT_TRUE(leaks.check());
}

TEST(TaskGroup, ParentCancellationReachesTasks) {
  auto [parent, cancel] = lg::with_cancel(lg::background());
  lg::task_group g(parent);
  g.go([](std::stop_token st) -> std::error_code {
    if (!lg::sleep_for(1h, st)) return lg::errc::canceled;
    return {};
  });
  cancel();
  EXPECT_EQ(g.wait(), lg::errc::canceled);
}

TEST(TaskGroup, LimitBoundsConcurrency) {
  lg::task_group g;
  g.set_limit(3);
  std::atomic<int> running{0}, peak{0};
  for (int i = 0; i < 30; ++i)
    g.go([&] {
      int now = ++running;
      int p = peak.load();
      while (now > p && !peak.compare_exchange_weak(p, now)) {
      }
      std::this_thread::yield();
      --running;
    });
  EXPECT_FALSE(g.wait());
  EXPECT_LE(peak.load(), 3);
  EXPECT_GE(peak.load(), 1);
}

TEST(TaskGroup, TryGoReturnsFalseAtTheLimitInsteadOfBlocking) {
  pattern_test::no_leaks leaks;
  {
    lg::task_group g;
    g.set_limit(2);
    auto [gate, open] = lg::with_cancel(lg::background());
    EXPECT_TRUE(g.try_go([gate = gate] { gate.wait(); }));
    EXPECT_TRUE(g.try_go([gate = gate] { gate.wait(); }));
    EXPECT_FALSE(g.try_go([] {}));  // full: does not block, does not run
    open();
    EXPECT_FALSE(g.wait());
    // Free again after wait().
    EXPECT_TRUE(g.try_go([] {}));
    EXPECT_FALSE(g.wait());
  }
  EXPECT_TRUE(leaks.check());
}

TEST(TaskGroup, SetLimitWhileTasksRunIsAnError) {
  lg::task_group g;
  auto [gate, open] = lg::with_cancel(lg::background());
  g.go([gate = gate] { gate.wait(); });
  EXPECT_THROW(g.set_limit(4), lg::misuse_error);
  open();
  EXPECT_FALSE(g.wait());
  EXPECT_NO_THROW(g.set_limit(4));  // fine once nothing runs
}

TEST(TaskGroup, LimitZeroRefusesInsteadOfHanging) {
  lg::task_group g;
  g.set_limit(0);
  EXPECT_FALSE(g.try_go([] {}));
  EXPECT_THROW(g.go([] {}), lg::misuse_error);
  EXPECT_FALSE(g.wait());
}

TEST(TaskGroup, DestructionWithoutWaitCancelsThenJoins) {
  pattern_test::no_leaks leaks;
  std::atomic<int> cancelled{0};
  {
    lg::task_group g;
    for (int i = 0; i < 3; ++i)
      g.go([&](std::stop_token st) {
        if (!lg::sleep_for(1h, st)) ++cancelled;
      });
  }  // no wait(): cancel, then join
  EXPECT_EQ(cancelled.load(), 3);
  EXPECT_TRUE(leaks.check());
}

TEST(TaskGroup, TasksMayStartTasks) {
  lg::task_group g;
  std::atomic<int> n{0};
  g.go([&] {
    for (int i = 0; i < 5; ++i) g.go([&] { ++n; });
  });
  EXPECT_FALSE(g.wait());
  EXPECT_EQ(n.load(), 5);
}

}  // namespace
