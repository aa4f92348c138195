// pipeline.hpp and merge.hpp: stage ownership, ordering, cancellation,
// early consumer exit, branching, exceptions.
#include <leakguard/merge.hpp>
#include <leakguard/pipeline.hpp>
#include <leakguard/sleep.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <vector>

#include "leak_check.hpp"

using namespace std::chrono_literals;
namespace lg = leakguard;

namespace {

std::vector<int> iota_vec(int n) {
  std::vector<int> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 1);
  return v;
}

TEST(Pipeline, GenerateTransformKeepsOrderWithOneWorker) {
  pattern_test::no_leaks leaks;
  {
    auto ctx = lg::background();
    auto nums = lg::generate(ctx, iota_vec(100));
    auto sq = lg::transform(ctx, nums, [](int v) { return v * v; });
    std::vector<int> got = lg::collect(ctx, sq);
    ASSERT_EQ(got.size(), 100u);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], (i + 1) * (i + 1));
    EXPECT_TRUE(sq.out().is_closed());
  }
  EXPECT_TRUE(leaks.check());
}

TEST(Pipeline, ManyWorkersDeliverEveryValueOnceAndCloseOnce) {
  pattern_test::no_leaks leaks;
  {
    auto ctx = lg::background();
    auto nums = lg::generate(ctx, iota_vec(1000), {.capacity = 8});
    auto doubled = lg::transform(ctx, nums, [](int v) { return 2 * v; },
                                 {.workers = 4, .capacity = 4, .name = "double"});
    std::vector<int> got = lg::collect(ctx, doubled);
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got.size(), 1000u);
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], 2 * (i + 1));
    doubled.join();
    EXPECT_TRUE(doubled.out().is_closed());
    EXPECT_EQ(doubled.exception(), nullptr);
  }
  EXPECT_TRUE(leaks.check());
}

TEST(Pipeline, OptionalResultFilters) {
  auto ctx = lg::background();
  auto nums = lg::generate(ctx, iota_vec(10));
  auto even = lg::transform(ctx, nums, [](int v) -> std::optional<int> {
    if (v % 2) return std::nullopt;
    return v;
  });
  EXPECT_EQ(lg::collect(ctx, even), (std::vector<int>{2, 4, 6, 8, 10}));
}

TEST(Pipeline, FunctionGeneratorStopsWhenEmitFails) {
  pattern_test::no_leaks leaks;
  std::atomic<bool> saw_stop{false};
  {
    auto [ctx, cancel] = lg::with_cancel(lg::background());
    // An endless generator: it only ends because emit() fails once cancelled.
    auto nat = lg::generate<int>(ctx, [&](lg::emitter<int>& emit) {
      for (int i = 0;; ++i)
        if (!emit(i)) {
          saw_stop = true;
          return;
        }
    });
    int sum = 0;
    for (int v : nat) {
      sum += v;
      if (v == 9) break;
    }
    EXPECT_EQ(sum, 45);
    cancel();
    nat.join();
    EXPECT_TRUE(nat.out().is_closed());
  }
  EXPECT_TRUE(saw_stop);
  EXPECT_TRUE(leaks.check());
}

// The seed's main leak: the consumer stops reading early while every stage
// is blocked sending. Dropping the stages (no explicit cancel) must unblock
// and join all of them.
TEST(Pipeline, EarlyConsumerExitLeavesNoThreadBehind) {
  pattern_test::no_leaks leaks;
  {
    auto ctx = lg::background();
    auto gen = lg::generate<int>(ctx, [](lg::emitter<int>& emit) {
      for (int i = 0;; ++i)
        if (!emit(i)) return;
    });
    auto a = lg::transform(ctx, gen, [](int v) { return v + 1; }, {.workers = 3});
    auto b = lg::transform(ctx, a, [](int v) { return v * 2; }, {.workers = 2});
    auto first = b.out().pop();
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(*first % 2, 0);
    // b, a, gen are destroyed here, in that order, each blocked in push.
  }
  EXPECT_TRUE(leaks.check());
}

TEST(Pipeline, CancellingTheRootContextStopsEveryStage) {
  pattern_test::no_leaks leaks;
  {
    auto [ctx, cancel] = lg::with_cancel(lg::background());
    auto gen = lg::generate<int>(ctx, [](lg::emitter<int>& emit) {
      for (int i = 0;; ++i)
        if (!emit(i)) return;
    });
    auto a = lg::transform(ctx, gen, [](int v) { return v; }, {.workers = 2});
    auto b = lg::transform(ctx, a, [](int v) { return v; });
    ASSERT_TRUE(b.out().pop().has_value());
    cancel();
    // Every stage finishes and closes its output without anyone reading.
    gen.join();
    a.join();
    b.join();
    EXPECT_TRUE(gen.out().is_closed());
    EXPECT_TRUE(a.out().is_closed());
    EXPECT_TRUE(b.out().is_closed());
    // sink reports why it stopped.
    EXPECT_EQ(lg::sink(ctx, b, [](int) {}), lg::errc::canceled);
  }
  EXPECT_TRUE(leaks.check());
}

TEST(Pipeline, StageFunctionGetsTheStopToken) {
  pattern_test::no_leaks leaks;
  {
    auto [ctx, cancel] = lg::with_cancel(lg::background());
    lg::channel<int> in(1);
    in.push(1);
    std::atomic<bool> started{false};
    auto slow = lg::transform(ctx, in, [&](int v, std::stop_token st) {
      started = true;
      lg::sleep_for(1h, st);  // ends only through the token
      return v;
    });
    while (!started) std::this_thread::yield();
    cancel();
    slow.join();
    EXPECT_TRUE(slow.out().is_closed());
    in.close();
  }
  EXPECT_TRUE(leaks.check());
}

TEST(Pipeline, ThrowingStageFunctionCancelsItsStage) {
  pattern_test::no_leaks leaks;
  {
    auto ctx = lg::background();
    auto nums = lg::generate(ctx, iota_vec(100));
    auto bad = lg::transform(ctx, nums, [](int v) {
      if (v == 5) throw std::runtime_error("five");
      return v;
    });
    std::vector<int> got = lg::collect(ctx, bad);
    EXPECT_EQ(got, (std::vector<int>{1, 2, 3, 4}));
    bad.join();
    ASSERT_NE(bad.exception(), nullptr);
    EXPECT_THROW(std::rethrow_exception(bad.exception()), std::runtime_error);
  }
  EXPECT_TRUE(leaks.check());
}

TEST(Pipeline, SinkStopsEarlyWhenFunctionReturnsFalse) {
  auto ctx = lg::background();
  auto nums = lg::generate(ctx, iota_vec(100));
  int seen = 0;
  EXPECT_FALSE(lg::sink(ctx, nums, [&](int v) {
    seen = v;
    return v < 3;
  }));
  EXPECT_EQ(seen, 3);
}

TEST(Merge, FanInDeliversEverythingAndClosesOnceAfterAllInputs) {
  pattern_test::no_leaks leaks;
  {
    auto ctx = lg::background();
    lg::channel<int> a, b, c(4);
    auto out = lg::merge(ctx, {&a, &b, &c});
    std::vector<lg::go_handle> producers;
    int base = 0;
    for (lg::channel<int>* ch : {&a, &b, &c}) {
      producers.push_back(lg::go([ch, base] {
        for (int i = 0; i < 100; ++i) ch->push(base + i);
        ch->close();  // each producer closes its own channel
      }));
      base += 1000;
    }
    std::vector<int> got;
    std::vector<int> last(3, -1);
    for (int v : out) {
      got.push_back(v);
      // Values of one input keep their order.
      EXPECT_GT(v % 1000, last[static_cast<std::size_t>(v / 1000)]);
      last[static_cast<std::size_t>(v / 1000)] = v % 1000;
    }
    EXPECT_EQ(got.size(), 300u);
    EXPECT_TRUE(out.out().is_closed());
  }
  EXPECT_TRUE(leaks.check());
}

TEST(Merge, OutputStaysOpenUntilTheLastInputCloses) {
  auto ctx = lg::background();
  lg::channel<int> a(1), b(1);
  auto out = lg::merge(ctx, {&a, &b});
  a.close();
  b.push(7);
  EXPECT_EQ(out.out().pop(), std::optional<int>(7));
  EXPECT_FALSE(out.out().is_closed());
  b.close();
  EXPECT_EQ(out.out().pop(), std::nullopt);  // closed and drained
}

TEST(Merge, ZeroInputsClosesAtOnce) {
  auto ctx = lg::background();
  auto out = lg::merge(ctx, std::vector<lg::channel<int>*>{});
  EXPECT_EQ(out.out().pop(), std::nullopt);
}

TEST(Merge, DroppingTheMergeUnblocksForwardersNobodyReads) {
  pattern_test::no_leaks leaks;
  lg::channel<int> a(8), b(8);
  for (int i = 0; i < 8; ++i) {
    a.push(i);
    b.push(i);
  }
  {
    auto out = lg::merge(lg::background(), {&a, &b});
    ASSERT_TRUE(out.out().pop().has_value());
  }  // forwarders blocked in push: cancelled and joined here
  EXPECT_TRUE(leaks.check());
  a.close();
  b.close();
}

TEST(Branching, FanOutThenFanIn) {
  pattern_test::no_leaks leaks;
  {
    auto ctx = lg::background();
    auto nums = lg::generate(ctx, iota_vec(200));
    auto branches = lg::fan_out(ctx, nums, 4, [](int v) { return v * v; });
    EXPECT_EQ(branches.outputs(), 4u);
    auto all = lg::merge(ctx, branches);
    std::vector<int> got = lg::collect(ctx, all);
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got.size(), 200u);
    for (int i = 0; i < 200; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], (i + 1) * (i + 1));
  }
  EXPECT_TRUE(leaks.check());
}

TEST(Branching, BroadcastSendsEveryValueToEveryBranch) {
  pattern_test::no_leaks leaks;
  {
    auto ctx = lg::background();
    auto nums = lg::generate(ctx, iota_vec(50));
    auto copies = lg::broadcast(ctx, nums, 2, {.capacity = 64});
    auto left = lg::transform(ctx, copies.out(0), [](int v) { return v; });
    auto right = lg::transform(ctx, copies.out(1), [](int v) { return -v; });
    std::vector<int> l = lg::collect(ctx, left);
    std::vector<int> r = lg::collect(ctx, right);
    EXPECT_EQ(l, iota_vec(50));
    ASSERT_EQ(r.size(), 50u);
    EXPECT_EQ(r.back(), -50);
  }
  EXPECT_TRUE(leaks.check());
}

// A branching pipeline where one branch's consumer quits early: cancelling
// the shared root stops the branch point and both branches.
TEST(Branching, EarlyExitOnOneBranchWithCancelLeavesNothing) {
  pattern_test::no_leaks leaks;
  {
    auto [ctx, cancel] = lg::with_cancel(lg::background());
    auto gen = lg::generate<int>(ctx, [](lg::emitter<int>& emit) {
      for (int i = 0;; ++i)
        if (!emit(i)) return;
    });
    auto copies = lg::broadcast(ctx, gen, 2);
    auto left = lg::transform(ctx, copies.out(0), [](int v) { return v; });
    auto right = lg::fan_out(ctx, copies.out(1), 2, [](int v) { return v; });
    auto rmerged = lg::merge(ctx, right);
    ASSERT_TRUE(left.out().pop().has_value());
    ASSERT_TRUE(rmerged.out().pop().has_value());
    cancel();
    for (lg::stage<int>* s : {&gen, &copies, &left, &right, &rmerged}) {
      s->join();
      for (std::size_t i = 0; i < s->outputs(); ++i) EXPECT_TRUE(s->out(i).is_closed());
    }
  }
  EXPECT_TRUE(leaks.check());
}

}  // namespace
