// leakcheck_child: a test binary (linked with leakguard_gtest_main) that
// listener_test.cpp runs with filters and environment variables and whose
// output it checks. Leaked threads are released by a later test, so the
// child always exits cleanly.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace {
std::atomic<bool> g_release{false};
std::thread* g_zombie = nullptr;
std::thread* g_shared = nullptr;
void spin() {
  while (!g_release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}
void release_all() {
  g_release = true;
  for (std::thread** t : {&g_zombie, &g_shared})
    if (*t) {
      (*t)->join();
      delete *t;
      *t = nullptr;
    }
}
}  // namespace

TEST(Child, Clean) {}
TEST(Child, LeaksAThread) { g_zombie = new std::thread(spin); }
TEST(Child, LaterTestIsNotBlamed) { std::this_thread::sleep_for(std::chrono::milliseconds(5)); }
TEST(Child, ReleasesTheZombie) { release_all(); }

// Threads shared across one suite's tests: fine in per-suite mode.
TEST(Shared, StartsWorker) { g_shared = new std::thread(spin); }
TEST(Shared, UsesWorker) {}
TEST(Shared, StopsWorker) { release_all(); }

// A thread that outlives its suite.
TEST(Lingering, Starts) { g_shared = new std::thread(spin); }
TEST(Lingering, Middle) {}
TEST(Lingering, End) {}
TEST(Release, All) { release_all(); }
