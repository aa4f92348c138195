// The leak zoo: each buggy twin of a seed pattern, run for real on the
// pattern library, and the tracker must report exactly that leak, with the
// right operation, object and source line. Every test unblocks its leaked
// thread before it ends (the listener checks each test, too).
#include <leakguard/channel.hpp>
#include <leakguard/context.hpp>
#include <leakguard/go.hpp>
#include <leakguard/leakcheck.hpp>
#include <leakguard/semaphore.hpp>
#include <leakguard/wait_group.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <latch>
#include <string>
#include <thread>

using namespace std::chrono_literals;
namespace lg = leakguard;

namespace {

std::string base(const std::string& p) { return p.substr(p.rfind('/') + 1); }

// The one leak in R, asserting there is exactly one.
const lg::thread_leak& only(const lg::leak_report& r) {
  EXPECT_EQ(r.threads.size(), 1u) << r.text();
  static const lg::thread_leak none;
  return r.threads.empty() ? none : r.threads[0];
}

void expect_blocked(const lg::thread_leak& l, const std::string& op, const std::string& name,
                    unsigned line, const lg::leak_report& r) {
  ASSERT_TRUE(l.blocked_on.has_value()) << r.text();
  EXPECT_EQ(l.blocked_on->operation, op) << r.text();
  EXPECT_EQ(l.blocked_on->object_name, name) << r.text();
  EXPECT_EQ(base(l.blocked_on->file), "zoo_test.cpp") << r.text();
  EXPECT_EQ(l.blocked_on->line, line) << r.text();
}

// Waits until N threads are blocked in leakguard operations (the tracker as
// a synchronization aid, so the zoo has no timing races).
void wait_blocked(std::size_t n) {
  for (;;) {
    std::size_t k = 0;
    for (const lg::thread_leak& l : lg::find_leaks(lg::max_wait(0ms).capture_stacks(false)))
      k += l.blocked_on.has_value();
    if (k >= n) return;
    std::this_thread::sleep_for(1ms);
  }
}

}  // namespace

// Seed rule "single closer": a worker closes the shared results channel. The
// collector stops at that close, so the owner never closes `jobs`, and the
// other worker blocks forever receiving from it.
TEST(Zoo, WorkerClosesTheSharedChannel) {
  lg::channel<int> jobs(0, "jobs"), results(0, "results");
  auto a = lg::go(lg::named("worker-a"), [&] {
    results.push(1);
    results.close();  // BUG: a worker closes the shared channel
  });
  const unsigned pop_line = __LINE__ + 2;
  auto b = lg::go(lg::named("worker-b"), [&] {
    for (int j : jobs) results.push(j);
  });
  for (int r : results) (void)r;  // ends at worker-a's close
  a.join();

  lg::leak_report r = lg::find_leaks();
  const lg::thread_leak& l = only(r);
  EXPECT_EQ(l.name, "worker-b");
  EXPECT_TRUE(l.tracked);
  EXPECT_EQ(l.kind, lg::leak_kind::definite) << r.text();
  expect_blocked(l, "channel<int>::pop", "jobs", pop_line, r);
  EXPECT_EQ(l.started_in_test, "Zoo.WorkerClosesTheSharedChannel");
  EXPECT_NE(r.text().find("thread \"worker-b\""), std::string::npos) << r.text();
  EXPECT_NE(r.text().find("in channel<int>::pop (cap 0) at zoo_test.cpp:" + std::to_string(pop_line)),
            std::string::npos)
      << r.text();
  jobs.close();  // release
}

// Seed rule "defer the release": one path skips sem.release(), so the next
// acquire blocks forever; the permit is still held, with its acquire site.
TEST(Zoo, SkippedSemaphoreRelease) {
  lg::semaphore sem(1);
  const unsigned acquire_line = __LINE__ + 2;
  auto work = [&](bool fail) {
    sem.acquire();
    if (fail) return;  // BUG: release skipped on this path
    sem.release();
  };
  auto first = lg::go(lg::named("job-1"), work, true);
  first.join();
  auto second = lg::go(lg::named("job-2"), work, false);

  lg::leak_report r = lg::find_leaks();
  const lg::thread_leak& l = only(r);
  EXPECT_EQ(l.name, "job-2");
  EXPECT_EQ(l.kind, lg::leak_kind::definite) << r.text();
  expect_blocked(l, "semaphore::acquire", "", acquire_line, r);
  ASSERT_EQ(r.permits.size(), 1u) << r.text();
  EXPECT_EQ(r.permits[0].line, acquire_line);
  EXPECT_EQ(r.permits[0].thread_name, "job-1");
  EXPECT_NE(r.text().find("1 permit of semaphore"), std::string::npos) << r.text();
  EXPECT_NE(r.dot().find("holds permit of"), std::string::npos) << r.dot();
  sem.release();  // the skipped release; job-2 then finishes
}

// Seed rule "stop-aware blocking": a stage's push ignores its stop token, so
// after cancel the stage stays blocked on a channel nobody reads.
TEST(Zoo, BlockingPushIgnoresTheStopToken) {
  lg::channel<int> out(0, "stage-out");
  const unsigned push_line = __LINE__ + 3;
  auto stage = lg::go(lg::named("stage-2"), [&](std::stop_token st) {
    for (int i = 0; !st.stop_requested(); ++i)
      out.push(i);  // BUG: should be out.push(i, st)
  });
  (void)out.pop();
  wait_blocked(1);       // the stage is in its next push
  stage.request_stop();  // cancel: the consumer is gone

  lg::leak_report r = lg::find_leaks();
  const lg::thread_leak& l = only(r);
  EXPECT_EQ(l.name, "stage-2");
  EXPECT_EQ(l.kind, lg::leak_kind::definite) << r.text();
  expect_blocked(l, "channel<int>::push", "stage-out", push_line, r);
  EXPECT_NE(r.text().find("thread \"stage-2\" [tid " + std::to_string(l.tid) + "] started at zoo_test.cpp:"),
            std::string::npos)
      << r.text();
  (void)out.pop();  // release: the push completes, the loop sees the stop
}

// Seed rule "add before go": wg.add(1) inside the thread, so wg.wait() can
// return before the worker counted itself; the worker outlives the wait.
TEST(Zoo, WaitGroupAddInsideTheThread) {
  lg::wait_group wg;
  lg::channel<int> out(0, "results");
  std::latch scheduled_late(1);  // the worker runs after wait() returned
  const unsigned go_line = __LINE__ + 1;
  auto worker = lg::go(lg::named("late-adder"), [&] {
    scheduled_late.wait();
    wg.add(1);  // BUG: belongs before go()
    out.push(42);
    wg.done();
  });
  const unsigned push_line = go_line + 3;
  wg.wait();  // returns at once: the counter is still zero
  scheduled_late.count_down();

  lg::leak_report r = lg::find_leaks();
  const lg::thread_leak& l = only(r);
  EXPECT_EQ(l.name, "late-adder");
  EXPECT_EQ(l.started_line, go_line) << r.text();
  EXPECT_EQ(base(l.started_file), "zoo_test.cpp");
  expect_blocked(l, "channel<int>::push", "results", push_line, r);
  (void)out.pop();  // release
}

// A forgotten raw std::thread: no go(), no join; still found, with the line
// that created it.
TEST(Zoo, ForgottenRawStdThread) {
  lg::channel<int> ch(0, "never-fed");
  const unsigned line = __LINE__ + 1;
  std::thread t([&] { (void)ch.pop(); });

  lg::leak_report r = lg::find_leaks();
  const lg::thread_leak& l = only(r);
  EXPECT_FALSE(l.tracked);
  EXPECT_EQ(l.kind, lg::leak_kind::definite) << r.text();
  EXPECT_EQ(l.started_line, line) << r.text();
  EXPECT_EQ(base(l.started_file), "zoo_test.cpp") << r.text();
  expect_blocked(l, "channel<int>::pop", "never-fed", line, r);
  ch.close();  // release
  t.join();
}

// A thread waiting for a context that has no deadline and that nobody will
// cancel is a definite leak; with a deadline the context ends the wait by
// itself, so at most a possible one (reported only if it outlives max_wait).
TEST(Zoo, ContextWaitWithoutDeadlineIsDefinite) {
  auto [ctx, cancel] = lg::with_cancel(lg::background());
  const unsigned line = __LINE__ + 1;
  auto waiter = lg::go(lg::named("ctx-waiter"), [c = ctx] { c.wait(); });
  wait_blocked(1);
  lg::leak_report r = lg::find_leaks(lg::max_wait(0ms));
  const lg::thread_leak& l = only(r);
  EXPECT_EQ(l.kind, lg::leak_kind::definite) << r.text();
  ASSERT_TRUE(l.blocked_on.has_value()) << r.text();
  EXPECT_EQ(l.blocked_on->line, line) << r.text();
  cancel();  // release
}

TEST(Zoo, ContextWaitWithDeadlineIsNeverDefinite) {
  auto [ctx, cancel] = lg::with_timeout(lg::background(), 1h);
  auto waiter = lg::go(lg::named("ctx-waiter"), [c = ctx] { c.wait(); });
  wait_blocked(1);
  // The library's shared deadline timer runs while the deadline is pending;
  // it is a default ignore, so only the waiter is reported.
  lg::leak_report r = lg::find_leaks(lg::max_wait(0ms));
  const lg::thread_leak& l = only(r);
  EXPECT_EQ(l.kind, lg::leak_kind::possible) << r.text();
  cancel();  // release
}

// A pending deadline keeps the shared timer thread alive; that is not a leak.
// The timer is marked when it is created (it may not have run, nor got its
// name, yet), and without the default ignores it is reported like any thread.
TEST(Zoo, PendingDeadlineTimerIsIgnoredByDefault) {
  auto [ctx, cancel] = lg::with_timeout(lg::background(), 1h);
  lg::leak_report quiet = lg::find_leaks(lg::max_wait(0ms));
  lg::leak_report all = lg::find_leaks(lg::max_wait(0ms).no_default_ignores());
  cancel();
  EXPECT_TRUE(quiet.empty()) << quiet.text();
  bool timer_seen = false;
  for (const lg::thread_leak& t : all.threads)
    for (const lg::stack_frame& f : t.creation_stack)
      timer_seen |= f.function.find("deadline_timer::arm") != std::string::npos;
  EXPECT_TRUE(timer_seen) << all.text();
}

// The wait-for graph of a stuck branching pipeline (rendered in the docs):
// the left branch's sink takes one value and quits, so the splitter blocks
// pushing to `left` while the right sink waits for a value forever.
TEST(Zoo, StuckPipelineGraph) {
  lg::channel<int> src(0, "source"), left(0, "left"), right(0, "right");
  auto split = lg::go(lg::named("splitter"), [&] {
    for (int v : src) {
      left.push(v);
      right.push(v);
    }
    right.close();
  });
  auto lsink = lg::go(lg::named("left-sink"), [&] { (void)left.pop(); });
  auto rsink = lg::go(lg::named("right-sink"), [&] {
    for (int v : right) (void)v;
  });
  src.push(1);
  src.push(2);  // taken; the splitter now blocks on `left`
  lsink.join();
  lg::leak_report r = lg::find_leaks();
  EXPECT_EQ(r.threads.size(), 2u) << r.text();
  EXPECT_EQ(r.definite_count(), 2u) << r.text();
  EXPECT_TRUE(r.deadlock) << r.text();
  const std::string dot = r.dot();
  EXPECT_NE(dot.find("blocked pushing to"), std::string::npos) << dot;
  EXPECT_NE(dot.find("blocked popping from"), std::string::npos) << dot;
  if (const char* out = std::getenv("LEAKGUARD_DOT_OUT")) {
    if (FILE* f = std::fopen(out, "w")) {
      std::fputs(dot.c_str(), f);
      std::fclose(f);
    }
    std::printf("%s\n", r.text().c_str());
  }
  (void)left.pop();  // release: the splitter moves on, then sees src closed
  src.close();
}
