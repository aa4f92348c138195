// leakguard::semaphore, semaphore_guard and weighted_semaphore: permits,
// stop/deadline handling, misuse, FIFO fairness (golang.org/x/sync rules).
#include <leakguard/go.hpp>
#include <leakguard/semaphore.hpp>
#include <leakguard/weighted_semaphore.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <vector>

#include "probe.hpp"

using namespace std::chrono_literals;
using leakguard::semaphore;
using leakguard::semaphore_guard;
using leakguard::weighted_semaphore;

TEST(Semaphore, CountsPermits) {
  semaphore sem(2);
  EXPECT_EQ(sem.capacity(), 2);
  EXPECT_TRUE(sem.try_acquire());
  sem.acquire();
  EXPECT_FALSE(sem.try_acquire());
  EXPECT_EQ(sem.available(), 0);
  sem.release();
  EXPECT_TRUE(sem.try_acquire());
  sem.release(2);
  EXPECT_EQ(sem.available(), 2);
}

TEST(Semaphore, OverReleaseThrowsAndChangesNothing) {
  semaphore sem(1);
  EXPECT_THROW(sem.release(), leakguard::over_release);
  EXPECT_EQ(sem.available(), 1);
  sem.acquire();
  EXPECT_THROW(sem.release(2), leakguard::over_release);
  EXPECT_EQ(sem.available(), 0);
  sem.release();
}

TEST(Semaphore, InvalidArguments) {
  EXPECT_THROW(semaphore(-1), std::invalid_argument);
  EXPECT_THROW(semaphore(2, 1), std::invalid_argument);
  semaphore sem(1);
  EXPECT_THROW(sem.release(-1), std::invalid_argument);
}

TEST(Semaphore, StopTokenEndsAnAcquire) {
  probe::hooks h;
  semaphore sem(0, 1);
  std::stop_source src;
  bool got = true;
  auto t = leakguard::go([&] { got = sem.acquire(src.get_token()); });
  ASSERT_TRUE(h.wait_blocked(&sem));
  src.request_stop();
  t.join();
  EXPECT_FALSE(got);
  EXPECT_EQ(sem.available(), 0);
}

TEST(Semaphore, TryAcquireForTimesOut) {
  semaphore sem(0, 1);
  EXPECT_FALSE(sem.try_acquire_for(2ms));
  EXPECT_FALSE(sem.try_acquire_until(std::chrono::steady_clock::now() + 1ms));
  sem.release();
  EXPECT_TRUE(sem.try_acquire_for(1h));
}

TEST(Semaphore, ReleaseHandsThePermitToTheFirstWaiter) {
  probe::hooks h;
  semaphore sem(1);
  sem.acquire();
  std::atomic<int> order{0};
  int first = -1, second = -1;
  auto a = leakguard::go([&] {
    sem.acquire();
    first = order++;
    sem.release();
  });
  ASSERT_TRUE(h.wait_blocked(&sem, 1));
  auto b = leakguard::go([&] {
    sem.acquire();
    second = order++;
    sem.release();
  });
  ASSERT_TRUE(h.wait_blocked(&sem, 2));
  EXPECT_FALSE(sem.try_acquire());  // no barging past queued waiters
  sem.release();
  a.join();
  b.join();
  EXPECT_EQ(first, 0);
  EXPECT_EQ(second, 1);
}

TEST(Semaphore, OneShotSignalMayBeDestroyedAfterAcquire) {
  for (int i = 0; i < 300 / probe::scale_div + 20; ++i) {
    auto sem = std::make_unique<semaphore>(0, 1);
    auto t = leakguard::go([s = sem.get()] { s->release(); });
    sem->acquire();
    sem.reset();
    t.join();
  }
}

TEST(Semaphore, BoundsConcurrency) {
  semaphore sem(3);
  std::atomic<int> inside{0}, max_inside{0};
  std::vector<leakguard::go_handle> ts;
  for (int i = 0; i < 8; ++i)
    ts.push_back(leakguard::go([&] {
      for (int k = 0; k < 2000 / probe::scale_div; ++k) {
        semaphore_guard g(sem);
        int now = ++inside;
        int m = max_inside.load();
        while (now > m && !max_inside.compare_exchange_weak(m, now)) {
        }
        --inside;
      }
    }));
  ts.clear();
  EXPECT_LE(max_inside.load(), 3);
  EXPECT_GE(max_inside.load(), 1);
  EXPECT_EQ(sem.available(), 3);
}

TEST(Semaphore, PermitsAreReportedToTheTracker) {
  probe::hooks h;
  semaphore sem(2);
  {
    semaphore_guard g(sem);
    EXPECT_EQ(h.permits_of(&sem), 1);
  }
  EXPECT_EQ(h.permits_of(&sem), 0);
}

TEST(SemaphoreGuard, ReleasesOnEveryPath) {
  semaphore sem(1);
  try {
    semaphore_guard g(sem);
    EXPECT_TRUE(g.owns_lock());
    EXPECT_EQ(sem.available(), 0);
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(sem.available(), 1);
}

TEST(SemaphoreGuard, StopAwareAdoptTryAndMove) {
  semaphore sem(1);
  std::stop_source src;
  src.request_stop();
  {
    semaphore_guard g(sem, src.get_token());  // free permit: acquired despite stop
    EXPECT_TRUE(g);
    semaphore_guard g2(sem, src.get_token());  // none free + stopped: not acquired
    EXPECT_FALSE(g2);
    semaphore_guard g3(sem, std::try_to_lock);
    EXPECT_FALSE(g3);
    semaphore_guard moved(std::move(g));
    EXPECT_TRUE(moved);
    EXPECT_FALSE(g);  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(sem.available(), 0);
  }
  EXPECT_EQ(sem.available(), 1);
  sem.acquire();
  {
    semaphore_guard adopted(sem, std::adopt_lock);
    adopted.reset();
    EXPECT_EQ(sem.available(), 1);
  }
  EXPECT_EQ(sem.available(), 1);
}

// --- weighted ---------------------------------------------------------------

TEST(WeightedSemaphore, AcquiresAndReleasesWeights) {
  weighted_semaphore sem(10);
  EXPECT_TRUE(sem.try_acquire(4));
  EXPECT_TRUE(sem.acquire(6, std::stop_token{}));
  EXPECT_FALSE(sem.try_acquire(1));
  sem.release(10);
  EXPECT_EQ(sem.available(), 10);
  EXPECT_TRUE(sem.try_acquire(0));
}

TEST(WeightedSemaphore, MisuseIsRejected) {
  weighted_semaphore sem(10);
  EXPECT_THROW(sem.acquire(-1), std::invalid_argument);
  EXPECT_THROW((void)sem.try_acquire(-1), std::invalid_argument);
  EXPECT_THROW(sem.release(-1), std::invalid_argument);
  EXPECT_THROW(sem.release(1), leakguard::over_release);
  EXPECT_THROW(sem.acquire(11), std::invalid_argument);  // could never return
  EXPECT_EQ(sem.available(), 10);
}

TEST(WeightedSemaphore, RequestAboveCapacityOnlyWaitsForCancellation) {
  probe::hooks h;
  weighted_semaphore sem(10);
  EXPECT_FALSE(sem.try_acquire(11));
  std::stop_source src;
  bool got = true;
  auto t = leakguard::go([&] { got = sem.acquire(11, src.get_token()); });
  ASSERT_TRUE(h.wait_blocked(&sem) || h.blocked_total() > 0);
  EXPECT_TRUE(sem.try_acquire(10));  // it does not queue: others go on
  sem.release(10);
  src.request_stop();
  t.join();
  EXPECT_FALSE(got);
  EXPECT_FALSE(sem.try_acquire_for(11, 1ms));
}

TEST(WeightedSemaphore, StrictFifoNoBarging) {
  probe::hooks h;
  weighted_semaphore sem(10);
  ASSERT_TRUE(sem.try_acquire(5));
  std::atomic<int> order{0};
  int big = -1, small = -1;
  auto a = leakguard::go([&] {
    sem.acquire(10);
    big = order++;
    sem.release(10);
  });
  ASSERT_TRUE(h.wait_blocked(&sem, 1));
  EXPECT_FALSE(sem.try_acquire(1));  // 5 are free, but the big request is first
  auto b = leakguard::go([&] {
    sem.acquire(1);
    small = order++;
    sem.release(1);
  });
  ASSERT_TRUE(h.wait_blocked(&sem, 2));
  sem.release(5);
  a.join();
  b.join();
  EXPECT_EQ(big, 0);
  EXPECT_EQ(small, 1);
  EXPECT_EQ(sem.available(), 10);
}

// golang/go#37852: a cancelled waiter at the head must wake the ones behind.
TEST(WeightedSemaphore, CancelledHeadWakesTheWaitersBehindIt) {
  probe::hooks h;
  weighted_semaphore sem(10);
  ASSERT_TRUE(sem.try_acquire(5));
  std::stop_source cancel_big;
  bool big = true, small = false;
  auto a = leakguard::go([&] { big = sem.acquire(10, cancel_big.get_token()); });
  ASSERT_TRUE(h.wait_blocked(&sem, 1));
  auto b = leakguard::go([&] { small = sem.acquire(3, std::stop_token{}); });
  ASSERT_TRUE(h.wait_blocked(&sem, 2));
  cancel_big.request_stop();
  a.join();
  b.join();  // would hang without the fix
  EXPECT_FALSE(big);
  EXPECT_TRUE(small);
  sem.release(8);
  EXPECT_EQ(sem.available(), 10);
}

TEST(WeightedSemaphore, GuardHoldsWeight) {
  weighted_semaphore sem(10);
  {
    leakguard::weighted_semaphore_guard g(sem, 7);
    EXPECT_TRUE(g);
    EXPECT_EQ(sem.available(), 3);
  }
  EXPECT_EQ(sem.available(), 10);
}
