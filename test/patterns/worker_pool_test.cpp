// worker_pool.hpp: futures form (graceful shutdown vs hard stop, owner
// closes once) and channel form.
#include <leakguard/channel.hpp>
#include <leakguard/sleep.hpp>
#include <leakguard/worker_pool.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "leak_check.hpp"

using namespace std::chrono_literals;
namespace lg = leakguard;

namespace {

TEST(WorkerPool, SubmitReturnsFuturesWithResultsAndExceptions) {
  pattern_test::no_leaks leaks;
  {
    lg::worker_pool pool(3, 8);
    EXPECT_EQ(pool.size(), 3u);
    std::vector<std::future<int>> fs;
    for (int i = 0; i < 20; ++i) fs.push_back(pool.submit([i] { return i * i; }));
    auto bad = pool.submit([]() -> int { throw std::runtime_error("boom"); });
    auto none = pool.submit([] {});
    for (int i = 0; i < 20; ++i) EXPECT_EQ(fs[static_cast<std::size_t>(i)].get(), i * i);
    EXPECT_THROW(bad.get(), std::runtime_error);
    none.get();
  }
  EXPECT_TRUE(leaks.check());
}

TEST(WorkerPool, AtMostNWorkersRunAtOnce) {
  lg::worker_pool pool(2, 16);
  std::atomic<int> running{0}, peak{0};
  std::vector<std::future<void>> fs;
  for (int i = 0; i < 16; ++i)
    fs.push_back(pool.submit([&] {
      int now = ++running;
      int p = peak.load();
      while (now > p && !peak.compare_exchange_weak(p, now)) {
      }
      std::this_thread::yield();
      --running;
    }));
  for (auto& f : fs) f.get();
  EXPECT_LE(peak.load(), 2);
  EXPECT_GE(peak.load(), 1);
}

TEST(WorkerPool, GracefulShutdownRunsEveryQueuedJob) {
  pattern_test::no_leaks leaks;
  std::atomic<int> ran{0};
  std::vector<std::future<void>> fs;
  {
    lg::worker_pool pool(2, 64);
    for (int i = 0; i < 50; ++i) fs.push_back(pool.submit([&] { ++ran; }));
    pool.shutdown();
    EXPECT_EQ(ran.load(), 50);
    EXPECT_THROW(pool.submit([] {}), lg::channel_closed);
    pool.shutdown();  // idempotent
  }
  for (auto& f : fs) EXPECT_NO_THROW(f.get());
  EXPECT_TRUE(leaks.check());
}

TEST(WorkerPool, HardStopCancelsRunningAndDropsQueued) {
  pattern_test::no_leaks leaks;
  {
    lg::worker_pool pool(1, 8);
    auto [started, mark_started] = lg::with_cancel(lg::background());
    auto running = pool.submit([&, mark = mark_started](std::stop_token st) {
      mark();
      return lg::sleep_for(1h, st);  // false = woken by stop
    });
    std::vector<std::future<void>> queued;
    for (int i = 0; i < 5; ++i) queued.push_back(pool.submit([] {}));
    started.wait();
    pool.stop();
    EXPECT_FALSE(running.get());
    for (auto& f : queued) {
      try {
        f.get();
        ADD_FAILURE() << "a queued job ran after stop()";
      } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), lg::errc::canceled);
      }
    }
  }
  EXPECT_TRUE(leaks.check());
}

TEST(WorkerPool, TrySubmitNeverBlocks) {
  lg::worker_pool pool(1, 1);
  auto [gate, open] = lg::with_cancel(lg::background());
  auto busy = pool.submit([gate = gate] { gate.wait(); });
  // The worker is busy (or about to be); the queue holds at most one job.
  int accepted = 0;
  std::vector<std::future<void>> fs;
  for (int i = 0; i < 5; ++i)
    if (auto f = pool.try_submit([] {})) {
      ++accepted;
      fs.push_back(std::move(*f));
    }
  EXPECT_LE(accepted, 2);
  open();
  busy.get();
  for (auto& f : fs) f.get();
}

TEST(WorkerPool, ParentCancellationStopsWork) {
  pattern_test::no_leaks leaks;
  {
    auto [ctx, cancel] = lg::with_cancel(lg::background());
    lg::worker_pool pool(ctx, 2);
    auto [started, mark_started] = lg::with_cancel(lg::background());
    auto f = pool.submit([mark = mark_started](std::stop_token st) {
      mark();
      return lg::sleep_for(1h, st);
    });
    started.wait();
    cancel();
    EXPECT_FALSE(f.get());  // the running job saw the parent's cancellation
    EXPECT_TRUE(pool.context().done());
    // Work submitted after the parent was cancelled is not run.
    auto late = pool.submit([] { return true; });
    EXPECT_THROW(late.get(), std::system_error);
  }
  EXPECT_TRUE(leaks.check());
}

TEST(WorkerPool, ChannelFormClosesResultsOnceAfterAllWorkers) {
  pattern_test::no_leaks leaks;
  {
    auto ctx = lg::background();
    lg::channel<int> jobs(10);
    auto results = lg::start_workers(ctx, 3, jobs, [](int j) { return j * 10; });
    auto producer = lg::go([&jobs] {
      for (int i = 0; i < 30; ++i) jobs.push(i);
      jobs.close();  // the producer owns and closes jobs
    });
    std::vector<int> got;
    for (int r : results) got.push_back(r);
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got.size(), 30u);
    for (int i = 0; i < 30; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], i * 10);
    EXPECT_TRUE(results.out().is_closed());
  }
  EXPECT_TRUE(leaks.check());
}

TEST(WorkerPool, ChannelFormEarlyExitLeavesNothing) {
  pattern_test::no_leaks leaks;
  lg::channel<int> jobs(100);
  for (int i = 0; i < 100; ++i) jobs.push(i);
  {
    auto results = lg::start_workers(lg::background(), 4, jobs, [](int j) { return j; });
    ASSERT_TRUE(results.out().pop().has_value());
  }
  EXPECT_TRUE(leaks.check());
  jobs.close();
}

}  // namespace
