// Tracker infrastructure, without the pattern library: raw threads, the hook
// table driven directly through detail::blocking_scope, options, formats,
// waiting, deadlock detection. This binary runs under leakguard_gtest_main,
// so every test here is also checked by the listener: each test releases and
// joins whatever it leaked before it ends.
#include <leakguard/leakcheck.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <latch>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
namespace lg = leakguard;
namespace ld = leakguard::detail;

namespace {

std::string base(const std::string& p) { return p.substr(p.rfind('/') + 1); }

// A gate a thread can block on while it claims (through the hook point) to
// be blocked in a leakguard operation described by RECORD.
struct gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  void wait(const ld::wait_record& record) {
    ld::blocking_scope scope(record);
    std::unique_lock lk(mu);
    cv.wait(lk, [&] { return open; });
  }
  void release() {
    {
      std::lock_guard lk(mu);
      open = true;
    }
    cv.notify_all();
  }
};

ld::wait_record record(ld::wait_kind kind, const char* op, const char* type, const void* obj,
                       std::size_t cap,
                       std::source_location where = std::source_location::current()) {
  ld::wait_record r;
  r.kind = kind;
  r.operation = op;
  r.object_type = type;
  r.object = obj;
  r.capacity = cap;
  r.where = where;
  return r;
}

}  // namespace

TEST(Runtime, IsLinkedAndInterposing) {
  lg::runtime_status s = lg::status();
  EXPECT_TRUE(s.loaded);
  EXPECT_TRUE(s.interposing);
  EXPECT_TRUE(s.stacks);
  EXPECT_NE(ld::hooks(), nullptr);
}

TEST(Runtime, CleanProcessReportsNothing) {
  lg::leak_report r = lg::find_leaks();
  EXPECT_TRUE(r.empty()) << r.text();
  EXPECT_NO_THROW(lg::verify_none());
}

TEST(RawThread, ForgottenStdThreadIsReportedWithItsCreationSite) {
  std::atomic<bool> stop{false}, started{false};
  const unsigned line = __LINE__ + 1;
  std::thread t([&] { started = true; while (!stop.load()) std::this_thread::sleep_for(1ms); });
  while (!started.load()) std::this_thread::sleep_for(1ms);
  const auto t0 = std::chrono::steady_clock::now();
  lg::leak_report r = lg::find_leaks(lg::max_wait(100ms));
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_THROW(lg::verify_none(lg::max_wait(0ms)), lg::leak_error);
  stop = true;
  t.join();

  ASSERT_EQ(r.threads.size(), 1u) << r.text();
  const lg::thread_leak& l = r.threads[0];
  EXPECT_EQ(l.kind, lg::leak_kind::possible);
  EXPECT_FALSE(l.tracked);
  EXPECT_FALSE(l.blocked_on.has_value());
  EXPECT_GE(took, 100ms);
  EXPECT_GE(r.waited, 100ms);
  EXPECT_EQ(base(l.started_file), "infra_test.cpp") << r.text();
  EXPECT_EQ(l.started_line, line) << r.text();
  EXPECT_EQ(l.started_in_test, "RawThread.ForgottenStdThreadIsReportedWithItsCreationSite");
  EXPECT_FALSE(l.stack.empty());
  EXPECT_NE(r.text().find("started at infra_test.cpp:" + std::to_string(line) + " running"),
            std::string::npos)
      << r.text();
}

TEST(RawThread, ReportNamesTheKernelThreadName) {
  std::atomic<bool> stop{false};
  std::thread t([&] {
    pthread_setname_np(pthread_self(), "raw-worker");
    while (!stop.load()) std::this_thread::sleep_for(1ms);
  });
  std::this_thread::sleep_for(20ms);
  lg::leak_report r = lg::find_leaks(lg::max_wait(10ms));
  stop = true;
  t.join();
  ASSERT_EQ(r.threads.size(), 1u) << r.text();
  EXPECT_EQ(r.threads[0].name, "raw-worker");
  EXPECT_NE(r.text().find("thread \"raw-worker\""), std::string::npos);
}

TEST(RawThread, FiftyThreadsFinishingWithin200msAreWaitedOut) {
  std::vector<std::thread> ts;
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> ms(0, 200);
  for (int i = 0; i < 50; ++i) {
    auto d = std::chrono::milliseconds(ms(rng));
    ts.emplace_back([d] { std::this_thread::sleep_for(d); });
  }
  // A generous bound (the default, 250 ms, leaves a loaded TSan run 50 ms of
  // slack): a check that slept its whole wait would take all of it.
  constexpr auto bound = 10s;
  const auto t0 = std::chrono::steady_clock::now();
  lg::leak_report r = lg::find_leaks(lg::max_wait(bound));
  const auto took = std::chrono::steady_clock::now() - t0;
  for (auto& t : ts) t.join();
  EXPECT_TRUE(r.empty()) << r.text();
  // Waited on exits, not a fixed sleep: done soon after the last one ends.
  EXPECT_LT(took, bound / 2);
}

TEST(Options, IgnoreCurrentThreadNameAndTopFunction) {
  std::atomic<bool> stop{false};
  std::thread a([&] { while (!stop.load()) std::this_thread::sleep_for(1ms); });
  lg::leak_options base = lg::ignore_current();
  std::thread b([&] {
    pthread_setname_np(pthread_self(), "pool-7");
    while (!stop.load()) std::this_thread::sleep_for(1ms);
  });
  std::this_thread::sleep_for(20ms);
  lg::leak_report r1 = lg::find_leaks(lg::leak_options(base).max_wait(10ms));
  lg::leak_report r2 =
      lg::find_leaks(lg::leak_options(base).max_wait(10ms).ignore_thread_name("pool-*"));
  lg::leak_report r3 = lg::find_leaks(
      lg::leak_options(base).max_wait(10ms).ignore_any_function("Options_IgnoreCurrent"));
  lg::leak_report r4 = lg::find_leaks(lg::max_wait(10ms));
  stop = true;
  a.join();
  b.join();
  ASSERT_EQ(r1.threads.size(), 1u) << r1.text();
  EXPECT_EQ(r1.threads[0].name, "pool-7");
  EXPECT_TRUE(r2.empty()) << r2.text();
  EXPECT_TRUE(r3.empty()) << r3.text();
  EXPECT_EQ(r4.threads.size(), 2u) << r4.text();
}

TEST(Hooks, BlockedThreadIsADefiniteLeakWithOperationObjectAndLine) {
  gate g;
  int channel_object = 0;
  const ld::wait_record rec =
      record(ld::wait_kind::channel_push, "channel::push", "channel<int>", &channel_object, 0);
  const unsigned line = __LINE__ - 1;
  std::thread t([&] { g.wait(rec); });
  const auto t0 = std::chrono::steady_clock::now();
  lg::leak_report r = lg::find_leaks();
  const auto took = std::chrono::steady_clock::now() - t0;
  g.release();
  t.join();

  ASSERT_EQ(r.threads.size(), 1u) << r.text();
  const lg::thread_leak& l = r.threads[0];
  EXPECT_EQ(l.kind, lg::leak_kind::definite) << r.text();
  ASSERT_TRUE(l.blocked_on);
  EXPECT_EQ(l.blocked_on->operation, "channel<int>::push");
  EXPECT_EQ(l.blocked_on->object, reinterpret_cast<std::uintptr_t>(&channel_object));
  EXPECT_EQ(l.blocked_on->line, line);
  EXPECT_EQ(base(l.blocked_on->file), "infra_test.cpp");
  // Definite leaks end the wait early (the rest of TOOK is building the
  // report: stack capture and, the first time, loading debug info).
  EXPECT_LT(r.waited, 200ms);
  std::printf("definite leak: waited %.1f ms, report ready after %.1f ms\n",
              std::chrono::duration<double, std::milli>(r.waited).count(),
              std::chrono::duration<double, std::milli>(took).count());
  const std::string text = r.text();
  EXPECT_NE(text.find("in channel<int>::push (cap 0) at infra_test.cpp:" + std::to_string(line)),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("definite leak"), std::string::npos);
  EXPECT_NE(r.json().find("\"operation\":\"channel<int>::push\""), std::string::npos);
  EXPECT_NE(r.json().find("\"line\":" + std::to_string(line)), std::string::npos);
  EXPECT_NE(r.dot().find("blocked pushing to"), std::string::npos);
  EXPECT_TRUE(r.deadlock);
  EXPECT_NE(text.find("all threads are asleep - deadlock!"), std::string::npos);
}

TEST(Hooks, BlockedWhileAnotherThreadRunsIsPossible) {
  gate g;
  std::atomic<bool> stop{false};
  int obj = 0;
  const ld::wait_record rec =
      record(ld::wait_kind::channel_pop, "channel::pop", "channel<int>", &obj, 4);
  std::thread blocked([&] { g.wait(rec); });
  std::thread runner([&] { while (!stop.load()) std::this_thread::sleep_for(1ms); });
  lg::leak_report r = lg::find_leaks(lg::max_wait(30ms));
  g.release();
  stop = true;
  blocked.join();
  runner.join();
  ASSERT_EQ(r.threads.size(), 2u) << r.text();
  EXPECT_EQ(r.definite_count(), 0u) << r.text();
  EXPECT_FALSE(r.deadlock);
}

TEST(Hooks, PermitStillHeldIsReportedWithAcquireSite) {
  int sem = 0;
  const unsigned line = __LINE__ + 1;
  ld::note_permits(&sem, "semaphore", 1, std::source_location::current());
  lg::leak_report r = lg::find_leaks(lg::max_wait(0ms));
  ld::note_permits(&sem, "semaphore", -1, std::source_location::current());
  ASSERT_EQ(r.permits.size(), 1u) << r.text();
  EXPECT_EQ(r.permits[0].line, line);
  EXPECT_NE(r.text().find("1 permit of semaphore"), std::string::npos) << r.text();
  EXPECT_TRUE(lg::find_leaks(lg::max_wait(0ms)).empty());
}

TEST(Hooks, DestroyingAnObjectSomeoneWaitsOnIsNotedAtOnce) {
  gate g;
  int obj = 0;
  const ld::wait_record rec =
      record(ld::wait_kind::channel_pop, "channel::pop", "channel<int>", &obj, 0);
  std::thread t([&] { g.wait(rec); });
  while (lg::find_leaks(lg::max_wait(0ms).capture_stacks(false)).threads.empty())
    std::this_thread::sleep_for(1ms);
  ld::note_destroyed(&obj);
  lg::leak_report r = lg::find_leaks(lg::max_wait(0ms));
  g.release();
  t.join();
  ASSERT_EQ(r.notes.size(), 1u) << r.text();
  EXPECT_NE(r.notes[0].find("destroyed while thread"), std::string::npos);
}

TEST(Deadlock, WatchdogReportsAllThreadsAsleep) {
  gate g1, g2;
  int a = 0, b = 0;
  const ld::wait_record ra = record(ld::wait_kind::channel_pop, "channel::pop", "channel<int>", &a, 0);
  const ld::wait_record rb = record(ld::wait_kind::channel_push, "channel::push", "channel<int>", &b, 0);
  std::thread t([&] { g1.wait(ra); });
  std::atomic<int> calls{0};
  std::string text;
  std::vector<std::pair<std::string, std::string>> started;  // file, function
  lg::start_deadlock_watchdog(30ms, [&](const lg::leak_report& r) {
    if (calls++ == 0) {
      text = r.text();
      for (const lg::thread_leak& l : r.threads)
        started.emplace_back(base(l.started_file), l.started_function);
    }
    g2.release();  // un-deadlock the main thread
  });
  g2.wait(rb);     // main thread now "asleep" too
  lg::stop_deadlock_watchdog();
  g1.release();
  t.join();
  EXPECT_GE(calls.load(), 1);
  EXPECT_NE(text.find("all threads are asleep - deadlock!"), std::string::npos) << text;
  EXPECT_NE(text.find("blocked pushing to"), std::string::npos) << text;
  // The std::thread's start site comes from its creation stack, as in a
  // leak report (the main thread has none).
  bool found = false;
  for (const auto& [file, function] : started)
    if (file == "infra_test.cpp" && !function.empty()) found = true;
  EXPECT_TRUE(found) << text;
}

TEST(Deadlock, NoDeadlockWhileSomeoneRuns) {
  gate g;
  int a = 0;
  const ld::wait_record ra = record(ld::wait_kind::channel_pop, "channel::pop", "channel<int>", &a, 0);
  std::thread t([&] { g.wait(ra); });
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(lg::check_deadlock(1ms).deadlock);  // this thread runs
  g.release();
  t.join();
}

TEST(Dump, ListsThreadsAndWhatTheyBlockOn) {
  gate g;
  int a = 0;
  const ld::wait_record ra = record(ld::wait_kind::semaphore_acquire, "semaphore::acquire", "semaphore", &a, 2);
  std::thread t([&] { g.wait(ra); });
  std::this_thread::sleep_for(20ms);
  std::ostringstream out;
  lg::dump(out);
  g.release();
  t.join();
  EXPECT_NE(out.str().find("in semaphore::acquire"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("(this thread)"), std::string::npos) << out.str();
}

// Clean programs never report: the listener checks each of these.
class CleanWorkload : public ::testing::TestWithParam<int> {};
TEST_P(CleanWorkload, NeverReports) {
  gate g;
  int obj = 0;
  const ld::wait_record rec = record(ld::wait_kind::channel_pop, "channel::pop", "channel<int>", &obj, 1);
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i) ts.emplace_back([&] { g.wait(rec); });
  ld::note_permits(&obj, "semaphore", 1, std::source_location::current());
  g.release();
  ld::note_permits(&obj, "semaphore", -1, std::source_location::current());
  for (auto& t : ts) t.join();
}
INSTANTIATE_TEST_SUITE_P(Iterations, CleanWorkload, ::testing::Range(0, 200));
