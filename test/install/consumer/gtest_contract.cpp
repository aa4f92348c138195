// leakguard::leakguard_gtest_main from the installed package: GoogleTest's
// main with the leak listener installed, so every test below is also
// checked for threads it left behind (these leave none, and pass).
#include <gtest/gtest.h>
#include <leakguard/leakguard.hpp>

#include <thread>

TEST(InstalledGtestMain, ThreadsJoinedBeforeTheEndPass) {
  leakguard::channel<int> ch(1);
  auto t = leakguard::go([&] { ch.push(7); });
  EXPECT_EQ(ch.pop(), 7);
}

TEST(InstalledGtestMain, StoppedThreadsPass) {
  leakguard::channel<int> never;
  auto t = leakguard::go([&](std::stop_token st) { (void)never.pop(st); });
  // go_handle's destructor requests stop and joins.
}

// Run only by run-consumer.cmake, which expects this test to FAIL with a
// leak report: proof that the listener is really installed.
TEST(InstalledGtestMain, DISABLED_LeftBlockedThreadFails) {
  static auto* never = new leakguard::channel<int>;  // outlives the process's threads
  std::thread([] { (void)never->pop(); }).detach();  // blocked forever
}
