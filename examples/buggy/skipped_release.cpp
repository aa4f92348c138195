// BUGGY TWIN - deliberately wrong; kept out of the dogfood clean run.
//
// Bug: a semaphore permit is acquired, and an early return skips the
// matching release. The permit is gone for good; the next task blocks in
// acquire forever. Fix: `leakguard::semaphore_guard g(sem);` or a
// leakguard::defer right after the acquire.
//
// Static: leakguard-deferred-release flags the `sem.acquire()` whose release
// the `return` skips.
// FLAGGED-BY: leakguard-deferred-release
// Run time: the tracker reports the permit still held (with its acquire
// site, by a thread that has exited) and a definite leak - a thread blocked
// in semaphore::acquire. The program then returns the lost permit itself so
// that it can end.
#include <leakguard/go.hpp>
#include <leakguard/semaphore.hpp>

#include <chrono>
#include <cstdio>

#include "buggy/tracker_confirm.hpp"

leakguard::semaphore sem(1);

void process(int item) {
  sem.acquire();
  if (item < 0) {
    std::printf("item %d: invalid, skipped\n", item);
    return;  // BUG: the permit is never released
  }
  std::printf("item %d: processed\n", item);
  sem.release();
}

int main() {
  // A definite leak ends the wait at once; the long bound is for a loaded
  // machine, where the leaking thread may take a while to reach its wait.
  const auto opts = buggy::baseline(std::chrono::seconds(5));
  process(1);
  process(-1);  // leaks the only permit
  auto next = leakguard::go(leakguard::named("next-item"), [] { process(2); });

  const leakguard::leak_report r = leakguard::find_leaks(opts);
  const bool confirmed = !r.permits.empty() && buggy::has_blocked_thread(r, "");
  const int rc = buggy::report(confirmed, r, "a permit never released and a thread blocked in acquire");
  sem.release();  // end the demo: give back the lost permit
  next.join();
  return rc;
}
