// leakguard::wait_group: counting, waiting, stop-aware waits, misuse, and
// destruction right after wait() returns.
#include <leakguard/defer.hpp>
#include <leakguard/go.hpp>
#include <leakguard/wait_group.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <vector>

#include "probe.hpp"

using leakguard::wait_group;

TEST(WaitGroup, WaitAtZeroReturnsAtOnce) {
  wait_group wg;
  wg.wait();
  EXPECT_TRUE(wg.wait(std::stop_token{}));
  EXPECT_EQ(wg.count(), 0);
}

TEST(WaitGroup, WaitsForEveryDone) {
  wait_group wg;
  std::atomic<int> finished{0};
  std::vector<leakguard::go_handle> ts;
  for (int i = 0; i < 8; ++i) {
    wg.add(1);  // before go, never inside
    ts.push_back(leakguard::go([&] {
      leakguard::defer d([&] { wg.done(); });
      ++finished;
    }));
  }
  wg.wait();
  EXPECT_EQ(finished.load(), 8);
}

TEST(WaitGroup, NegativeCounterThrowsAndLeavesItUnchanged) {
  wait_group wg;
  EXPECT_THROW(wg.done(), leakguard::negative_counter);
  EXPECT_EQ(wg.count(), 0);
  wg.add(2);
  EXPECT_THROW(wg.add(-3), leakguard::negative_counter);
  EXPECT_EQ(wg.count(), 2);
  wg.add(-2);
  wg.wait();
  try {
    wg.done();
    ADD_FAILURE() << "no exception";
  } catch (const leakguard::misuse_error& e) {
    EXPECT_NE(std::string(e.what()).find("negative"), std::string::npos);
  }
}

TEST(WaitGroup, StopTokenEndsAWait) {
  probe::hooks h;
  wait_group wg;
  wg.add(1);
  std::stop_source src;
  bool result = true;
  auto t = leakguard::go([&] { result = wg.wait(src.get_token()); });
  ASSERT_TRUE(h.wait_blocked(&wg));
  src.request_stop();
  t.join();
  EXPECT_FALSE(result);
  wg.done();
}

TEST(WaitGroup, ManyWaitersAllWake) {
  probe::hooks h;
  wait_group wg;
  wg.add(1);
  std::vector<leakguard::go_handle> ts;
  std::atomic<int> woke{0};
  for (int i = 0; i < 4; ++i)
    ts.push_back(leakguard::go([&] {
      wg.wait();
      ++woke;
    }));
  ASSERT_TRUE(h.wait_blocked(&wg, 4));
  wg.done();
  ts.clear();
  EXPECT_EQ(woke.load(), 4);
}

TEST(WaitGroup, Reuse) {
  wait_group wg;
  for (int round = 0; round < 50; ++round) {
    wg.add(2);
    auto a = leakguard::go([&] { wg.done(); });
    auto b = leakguard::go([&] { wg.done(); });
    wg.wait();
  }
  EXPECT_EQ(wg.count(), 0);
}

// The final done() must not touch the wait_group after waking the waiter:
// the waiter destroys it at once. ASan catches a violation.
TEST(WaitGroup, DestroyedRightAfterWaitReturns) {
  for (int i = 0; i < 300 / probe::scale_div + 20; ++i) {
    auto wg = std::make_unique<wait_group>();
    wg->add(1);
    auto t = leakguard::go([w = wg.get()] { w->done(); });
    wg->wait();
    wg.reset();
    t.join();
  }
}
