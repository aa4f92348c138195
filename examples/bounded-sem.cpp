// bounded-sem: the seed's Day 074 - bounded parallelism with a counting
// semaphore: 12 tasks, at most 3 at once. The permit is released by a guard,
// so no path can skip it.
#include <leakguard/go.hpp>
#include <leakguard/semaphore.hpp>
#include <leakguard/wait_group.hpp>

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

int main() {
  constexpr int kTasks = 12, kLimit = 3;
  leakguard::semaphore sem(kLimit);
  leakguard::wait_group wg;
  std::atomic<int> in_flight{0}, peak{0}, done{0};
  std::vector<leakguard::go_handle> threads;
  for (int i = 0; i < kTasks; ++i) {
    wg.add(1);  // before starting the thread, never inside it
    threads.push_back(leakguard::go([&] {
      leakguard::semaphore_guard g(sem);  // released on every path
      const int now = ++in_flight;
      int p = peak.load();
      while (now > p && !peak.compare_exchange_weak(p, now)) {
      }
      std::this_thread::yield();
      --in_flight;
      ++done;
      wg.done();
    }));
  }
  wg.wait();
  std::printf("tasks done: %d\n", done.load());
  std::printf("never more than %d at once: %s\n", kLimit, peak.load() <= kLimit ? "yes" : "no");
  return 0;
}
