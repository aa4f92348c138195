// signal_context.hpp: cancelled on signal, previous handlers restored on
// release, several contexts at once, no watcher left behind.
#include <leakguard/signal_context.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>

#include "leak_check.hpp"

namespace lg = leakguard;

namespace {

volatile std::sig_atomic_t g_previous_ran = 0;
void previous_handler(int) { g_previous_ran = 1; }

struct handler_scope {
  int sig;
  struct sigaction old {};
  explicit handler_scope(int s) : sig(s) {
    struct sigaction sa {};
    sa.sa_handler = &previous_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, &old);
  }
  ~handler_scope() { sigaction(sig, &old, nullptr); }
};

void (*current_handler(int sig))(int) {
  struct sigaction sa {};
  sigaction(sig, nullptr, &sa);
  return sa.sa_handler;
}

TEST(SignalContext, SignalCancelsTheContext) {
  pattern_test::no_leaks leaks;
  {
    lg::signal_context sig({SIGUSR1, SIGUSR2});
    EXPECT_FALSE(sig.done());
    EXPECT_EQ(sig.signal(), 0);
    std::raise(SIGUSR2);
    sig.context().wait();  // the watcher cancels it
    EXPECT_TRUE(sig.done());
    EXPECT_EQ(sig.err(), lg::errc::canceled);
    EXPECT_EQ(sig.signal(), SIGUSR2);
    std::stop_token st = sig;
    EXPECT_TRUE(st.stop_requested());
    // Still caught while alive: a second signal does not kill the process.
    std::raise(SIGUSR2);
  }
  EXPECT_TRUE(leaks.check());  // the watcher thread was joined
}

TEST(SignalContext, RestoresThePreviousHandlerWhenReleased) {
  handler_scope prev(SIGUSR1);
  g_previous_ran = 0;
  {
    lg::signal_context sig({SIGUSR1});
    EXPECT_NE(current_handler(SIGUSR1), &previous_handler);
    std::raise(SIGUSR1);
    sig.context().wait();
    EXPECT_EQ(g_previous_ran, 0);  // ours ran, not the previous one
  }
  EXPECT_EQ(current_handler(SIGUSR1), &previous_handler);
  std::raise(SIGUSR1);
  EXPECT_EQ(g_previous_ran, 1);
}

TEST(SignalContext, StopRestoresAndCancels) {
  handler_scope prev(SIGUSR1);
  lg::signal_context sig({SIGUSR1});
  sig.stop();
  EXPECT_EQ(current_handler(SIGUSR1), &previous_handler);
  EXPECT_TRUE(sig.done());
  EXPECT_EQ(sig.signal(), 0);
  sig.stop();  // idempotent
}

TEST(SignalContext, SeveralContextsAllCancelledAndRestoredByTheLast) {
  handler_scope prev(SIGUSR1);
  {
    lg::signal_context a({SIGUSR1});
    {
      lg::signal_context b({SIGUSR1});
      std::raise(SIGUSR1);
      a.context().wait();
      b.context().wait();
      EXPECT_EQ(a.signal(), SIGUSR1);
      EXPECT_EQ(b.signal(), SIGUSR1);
    }
    // b released, a still listens: still ours.
    EXPECT_NE(current_handler(SIGUSR1), &previous_handler);
  }
  EXPECT_EQ(current_handler(SIGUSR1), &previous_handler);
}

TEST(SignalContext, ParentCancellationAndBadSignals) {
  auto [parent, cancel] = lg::with_cancel(lg::background());
  lg::signal_context sig(parent, {SIGUSR1});
  cancel();
  EXPECT_TRUE(sig.done());
  EXPECT_EQ(sig.signal(), 0);
  EXPECT_THROW(lg::signal_context({SIGKILL}), std::invalid_argument);
  EXPECT_THROW(lg::signal_context(lg::background(), std::vector<int>{}), std::invalid_argument);
}

}  // namespace
