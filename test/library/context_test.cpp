// leakguard::context: the cancellation tree, deadlines, err(), cancel_func
// lifetime rules, waits, and the shared timer thread.
#include <leakguard/channel.hpp>
#include <leakguard/context.hpp>
#include <leakguard/go.hpp>

#include <gtest/gtest.h>

#include <dirent.h>

#include <fstream>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using leakguard::background;
using leakguard::errc;

namespace {
// Threads of this process whose name is `name` (Linux /proc).
int threads_named(const std::string& name) {
  int n = 0;
  DIR* d = opendir("/proc/self/task");
  if (!d) return -1;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream f(std::string("/proc/self/task/") + e->d_name + "/comm");
    std::string comm;
    std::getline(f, comm);
    if (comm == name) ++n;
  }
  closedir(d);
  return n;
}
int thread_count() {
  int n = 0;
  DIR* d = opendir("/proc/self/task");
  if (!d) return -1;
  while (dirent* e = readdir(d))
    if (e->d_name[0] != '.') ++n;
  closedir(d);
  return n;
}
bool eventually(auto pred) {
  auto until = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return false;
}
}  // namespace

TEST(Context, BackgroundIsNeverDone) {
  auto ctx = background();
  EXPECT_FALSE(ctx.done());
  EXPECT_FALSE(ctx.err());
  EXPECT_FALSE(ctx.token().stop_possible());
  EXPECT_FALSE(ctx.deadline());
  EXPECT_FALSE(ctx.wait_for(1ms));
}

TEST(Context, CancelMakesDoneWithCanceled) {
  auto [ctx, cancel] = leakguard::with_cancel(background());
  EXPECT_FALSE(ctx.done());
  EXPECT_FALSE(ctx.err());
  cancel();
  EXPECT_TRUE(ctx.done());
  EXPECT_TRUE(ctx.token().stop_requested());
  EXPECT_EQ(ctx.err(), errc::canceled);
  cancel();  // idempotent
  EXPECT_EQ(ctx.err(), errc::canceled);
}

TEST(Context, ErrorCategory) {
  std::error_code ec = errc::deadline_exceeded;
  EXPECT_STREQ(ec.category().name(), "leakguard");
  EXPECT_EQ(ec.message(), "context deadline exceeded");
  EXPECT_EQ(ec, std::errc::timed_out);
  EXPECT_EQ(std::error_code(errc::canceled), std::errc::operation_canceled);
  EXPECT_NE(std::error_code(errc::canceled), errc::deadline_exceeded);
}

TEST(Context, CancellingAParentCancelsTheWholeSubtree) {
  auto [parent, cancel_parent] = leakguard::with_cancel(background());
  auto [child, cancel_child] = leakguard::with_cancel(parent);
  auto [grandchild, cancel_gc] = leakguard::with_timeout(child, 1h);
  auto [sibling, cancel_sibling] = leakguard::with_cancel(parent);
  cancel_parent();
  EXPECT_TRUE(child.done());
  EXPECT_TRUE(grandchild.done());
  EXPECT_TRUE(sibling.done());
  EXPECT_EQ(grandchild.err(), errc::canceled);
}

TEST(Context, CancellingAChildLeavesTheParent) {
  auto [parent, cancel_parent] = leakguard::with_cancel(background());
  auto [child, cancel_child] = leakguard::with_cancel(parent);
  cancel_child();
  EXPECT_TRUE(child.done());
  EXPECT_FALSE(parent.done());
}

TEST(Context, ChildOfADoneParentIsBornDone) {
  auto [parent, cancel_parent] = leakguard::with_cancel(background());
  cancel_parent();
  auto [child, cancel_child] = leakguard::with_cancel(parent);
  EXPECT_TRUE(child.done());
  EXPECT_EQ(child.err(), errc::canceled);
}

TEST(Context, TimeoutFiresDeadlineExceeded) {
  auto [ctx, cancel] = leakguard::with_timeout(background(), 5ms);
  ASSERT_TRUE(ctx.deadline());
  ctx.wait();
  EXPECT_TRUE(ctx.done());
  EXPECT_EQ(ctx.err(), errc::deadline_exceeded);
  cancel();  // after the deadline: err stays deadline_exceeded
  EXPECT_EQ(ctx.err(), errc::deadline_exceeded);
}

TEST(Context, PastDeadlineIsDoneAtOnce) {
  auto [ctx, cancel] =
      leakguard::with_deadline(background(), std::chrono::steady_clock::now() - 1s);
  EXPECT_TRUE(ctx.done());
  EXPECT_EQ(ctx.err(), errc::deadline_exceeded);
  auto [c2, cancel2] = leakguard::with_deadline(background(), std::chrono::system_clock::now());
  EXPECT_TRUE(c2.done());
}

TEST(Context, ChildInheritsTheEarlierDeadlineAndItsReason) {
  auto [parent, cancel_parent] = leakguard::with_timeout(background(), 1h);
  auto [later, cancel_later] = leakguard::with_timeout(parent, 2h);
  EXPECT_EQ(later.deadline(), parent.deadline());  // the parent's is earlier
  auto [sooner, cancel_sooner] = leakguard::with_timeout(parent, 1ms);
  EXPECT_LT(*sooner.deadline(), *parent.deadline());
  auto [plain, cancel_plain] = leakguard::with_cancel(parent);
  EXPECT_EQ(plain.deadline(), parent.deadline());

  auto [short_parent, cancel_sp] = leakguard::with_timeout(background(), 2ms);
  auto [child, cancel_child] = leakguard::with_cancel(short_parent);
  child.wait();
  EXPECT_EQ(child.err(), errc::deadline_exceeded);  // the parent's reason
}

TEST(Context, DestroyingTheLastCancelFuncCancels) {
  leakguard::context ctx;
  {
    auto [c, cancel] = leakguard::with_cancel(background());
    ctx = c;
    auto copy = cancel;  // copies share the cancellation
    EXPECT_FALSE(ctx.done());
  }
  EXPECT_TRUE(ctx.done());
  EXPECT_EQ(ctx.err(), errc::canceled);
}

TEST(Context, DisarmedCancelFuncDoesNotCancelOnDestruction) {
  leakguard::context ctx;
  {
    auto [c, cancel] = leakguard::with_cancel(background());
    ctx = c;
    cancel.disarm();
  }
  EXPECT_FALSE(ctx.done());
}

TEST(Context, ConvertsToStopTokenForBlockingCalls) {
  auto [ctx, cancel] = leakguard::with_cancel(background());
  leakguard::channel<int> ch;
  auto t = leakguard::go([&, c = ctx] {
    auto r = ch.pop(c);  // context -> std::stop_token
    EXPECT_TRUE(r.stopped());
  });
  std::this_thread::sleep_for(1ms);
  cancel();
  t.join();
  std::stop_token st = ctx;
  EXPECT_TRUE(st.stop_requested());
}

TEST(Context, WaitReturnsWhenCancelledFromAnotherThread) {
  auto [ctx, cancel] = leakguard::with_cancel(background());
  auto t = leakguard::go([c = cancel] { c(); });
  ctx.wait();
  EXPECT_TRUE(ctx.done());
}

TEST(Context, WaitWithStopToken) {
  auto [ctx, cancel] = leakguard::with_cancel(background());
  std::stop_source other;
  auto t = leakguard::go([&] { other.request_stop(); });
  EXPECT_FALSE(ctx.wait(other.get_token()));  // other fired, ctx not done
  t.join();
  cancel();
  EXPECT_TRUE(ctx.wait(std::stop_token{}));
}

TEST(Context, WaitForAndUntil) {
  auto [ctx, cancel] = leakguard::with_cancel(background());
  EXPECT_FALSE(ctx.wait_for(1ms));
  EXPECT_FALSE(ctx.wait_until(std::chrono::steady_clock::now() + 1ms));
  cancel();
  EXPECT_TRUE(ctx.wait_for(1h));
}

TEST(Context, DeadlinesDoNotCostAThreadEach) {
  std::vector<std::pair<leakguard::context, leakguard::cancel_func>> many;
  many.push_back(leakguard::with_timeout(background(), 1h));  // starts the timer
  const int before = thread_count();
  for (int i = 0; i < 200; ++i) many.push_back(leakguard::with_timeout(background(), 1h));
  EXPECT_EQ(thread_count(), before);  // no thread per context
  EXPECT_TRUE(eventually([] { return threads_named("leakguard-timer") == 1; }));
  many.clear();                           // cancels them all
  EXPECT_TRUE(eventually([] { return threads_named("leakguard-timer") == 0; }));
}

TEST(Context, ManyTimeoutsAllFire) {
  std::vector<std::pair<leakguard::context, leakguard::cancel_func>> many;
  for (int i = 0; i < 100; ++i)
    many.push_back(leakguard::with_timeout(background(), std::chrono::microseconds(50 * i)));
  for (auto& [ctx, cancel] : many) {
    ctx.wait();
    EXPECT_EQ(ctx.err(), errc::deadline_exceeded);
  }
  EXPECT_TRUE(eventually([] { return threads_named("leakguard-timer") == 0; }));
}

TEST(Context, ConcurrentCancelAndDeadline) {
  for (int i = 0; i < 200; ++i) {
    auto [parent, cancel_parent] = leakguard::with_cancel(background());
    auto [ctx, cancel] = leakguard::with_timeout(parent, std::chrono::microseconds(i % 20));
    auto t = leakguard::go([c = cancel_parent] { c(); });
    ctx.wait();
    t.join();
    const auto err = ctx.err();
    EXPECT_TRUE(err == errc::canceled || err == errc::deadline_exceeded);
  }
}

TEST(Context, WithStopFollowsAStopToken) {
  std::stop_source src;
  auto [ctx, cancel] = leakguard::with_stop(background(), src.get_token());
  EXPECT_FALSE(ctx.done());
  src.request_stop();
  EXPECT_TRUE(ctx.done());
  EXPECT_EQ(ctx.err(), errc::canceled);
  auto [parent, cancel_parent] = leakguard::with_cancel(background());
  auto [c2, cancel2] = leakguard::with_stop(parent, std::stop_token{});
  cancel_parent();
  EXPECT_TRUE(c2.done());
}
