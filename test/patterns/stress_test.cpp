// Stress: many short pipelines, pools and groups, cancelled at random
// points. Run under TSan (build/tsan) this is the data-race check; in every
// build it checks that nothing is lost, duplicated or left running.
#include <leakguard/bounded_map.hpp>
#include <leakguard/merge.hpp>
#include <leakguard/pipeline.hpp>
#include <leakguard/rate_limiter.hpp>
#include <leakguard/task_group.hpp>
#include <leakguard/worker_pool.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <numeric>
#include <thread>
#include <vector>

#include "leak_check.hpp"

namespace lg = leakguard;

namespace {

TEST(Stress, PipelinesCancelledAtEveryPoint) {
  pattern_test::no_leaks leaks;
  for (int round = 0; round < 40; ++round) {
    auto [ctx, cancel] = lg::with_cancel(lg::background());
    auto gen = lg::generate<int>(ctx, [](lg::emitter<int>& emit) {
      for (int i = 0;; ++i)
        if (!emit(i)) return;
    }, {.capacity = static_cast<std::size_t>(round % 3)});
    auto fan = lg::fan_out(ctx, gen, 3, [](int v) { return v + 1; });
    auto merged = lg::merge(ctx, fan, {.capacity = 2});
    auto tail = lg::transform(ctx, merged, [](int v) { return v * 2; }, {.workers = 2});
    for (int i = 0; i < round; ++i) ASSERT_TRUE(tail.out().pop().has_value());
    cancel();
  }
  EXPECT_TRUE(leaks.check());
}

TEST(Stress, MergeManyProducersExactlyOnce) {
  constexpr int kInputs = 8, kPer = 500;
  std::vector<lg::channel<int>> ins(kInputs);
  std::vector<lg::channel<int>*> ptrs;
  for (auto& c : ins) ptrs.push_back(&c);
  auto out = lg::merge(lg::background(), ptrs, {.capacity = 16});
  std::vector<lg::go_handle> producers;
  for (int p = 0; p < kInputs; ++p)
    producers.push_back(lg::go([&ins, p] {
      for (int i = 0; i < kPer; ++i) ins[static_cast<std::size_t>(p)].push(p * kPer + i);
      ins[static_cast<std::size_t>(p)].close();
    }));
  std::vector<int> seen(kInputs * kPer, 0);
  for (int v : out) ++seen[static_cast<std::size_t>(v)];
  for (int c : seen) ASSERT_EQ(c, 1);
}

TEST(Stress, TaskGroupsWithErrorsAndLimits) {
  pattern_test::no_leaks leaks;
  for (int round = 0; round < 30; ++round) {
    lg::task_group g;
    g.set_limit(1 + round % 4);
    std::atomic<int> ran{0};
    for (int i = 0; i < 20; ++i)
      g.go([&, i](std::stop_token st) -> std::error_code {
        ++ran;
        if (i == round % 20) return std::make_error_code(std::errc::io_error);
        return st.stop_requested() ? lg::make_error_code(lg::errc::canceled) : std::error_code{};
      });
    std::error_code ec = g.wait();
    EXPECT_TRUE(ec == std::errc::io_error || ec == lg::errc::canceled) << ec.message();
    EXPECT_EQ(ran.load(), 20);
  }
  EXPECT_TRUE(leaks.check());
}

TEST(Stress, WorkerPoolSubmitFromManyThreads) {
  pattern_test::no_leaks leaks;
  {
    lg::worker_pool pool(4, 8);
    std::atomic<long> sum{0};
    {
      std::vector<lg::go_handle> submitters;
      for (int t = 0; t < 4; ++t)
        submitters.push_back(lg::go([&pool, &sum] {
          for (int i = 1; i <= 250; ++i) pool.submit([&sum, i] { sum += i; });
        }));
    }
    pool.shutdown();
    EXPECT_EQ(sum.load(), 4L * 250 * 251 / 2);
  }
  EXPECT_TRUE(leaks.check());
}

TEST(Stress, RateLimiterAllowFromManyThreadsNeverExceedsBurst) {
  lg::rate_limiter lim(0.0, 100);  // exactly 100 tokens, ever
  std::atomic<int> granted{0};
  {
    std::vector<lg::go_handle> ts;
    for (int t = 0; t < 4; ++t)
      ts.push_back(lg::go([&] {
        for (int i = 0; i < 100; ++i)
          if (lim.allow()) ++granted;
      }));
  }
  EXPECT_EQ(granted.load(), 100);
}

TEST(Stress, BoundedMapRepeated) {
  std::vector<int> in(64);
  std::iota(in.begin(), in.end(), 0);
  for (int round = 0; round < 30; ++round) {
    auto r = lg::bounded_map(lg::background(), in, 1 + round % 5, [](int v) { return v * 3; });
    ASSERT_TRUE(r.ok());
    auto vals = std::move(r).values();
    for (int i = 0; i < 64; ++i) ASSERT_EQ(vals[static_cast<std::size_t>(i)], i * 3);
  }
}

}  // namespace
