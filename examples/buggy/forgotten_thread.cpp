// BUGGY TWIN - deliberately wrong; kept out of the dogfood clean run.
//
// Bug: a raw std::thread is detached and forgotten - nobody can stop or
// join it, so it outlives the code that started it (and at exit it is
// killed mid-work). Fix: leakguard::go / std::jthread, owned by the scope
// that must outlive it, with a stop token it honours.
//
// Static: leakguard-detached-thread flags the `.detach()` of the std::thread.
// FLAGGED-BY: leakguard-detached-thread
// Run time: the tracker reports the thread still running when the work is
// "done", with the place it was started (this file). The demo then tells the
// thread to stop through a flag and returns (the thread ends on its own).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "buggy/tracker_confirm.hpp"

std::atomic<bool> g_quit{false};
std::atomic<bool> g_exited{false};

void heartbeat() {
  while (!g_quit.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  g_exited = true;
}

void start_background_work() {
  std::thread t(heartbeat);
  t.detach();  // BUG: forgotten - never joined, nobody owns it
}

int main() {
  const auto opts = buggy::baseline(std::chrono::milliseconds(200));
  start_background_work();
  std::printf("work done, returning\n");

  const leakguard::leak_report r = leakguard::find_leaks(opts);
  const int rc = buggy::report(r.threads.size() == 1, r,
                               "a detached thread still running after its starter returned");
  g_quit = true;  // end the demo: let the forgotten thread end by itself
  while (!g_exited.load()) std::this_thread::yield();
  return rc;
}
