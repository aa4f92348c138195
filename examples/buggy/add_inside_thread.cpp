// BUGGY TWIN - deliberately wrong; kept out of the dogfood clean run.
//
// Bug: `wg.add(1)` runs inside the spawned thread instead of before
// spawning it. wait() can run before any add - it sees a zero counter and
// returns while the work is still going on (the seed's "Add before go").
// Fix: call wg.add(1) in the loop, before starting each thread.
//
// Static: leakguard-add-inside-thread flags the `wg.add(1)` inside the
// callable passed to std::thread.
// FLAGGED-BY: leakguard-add-inside-thread
// Run time: right after wg.wait() returned, the tracker still finds the
// worker threads running - "possible" leaks started at this file - which a
// correct wait() would have ruled out. To make the race deterministic the
// workers start their work only after wait() returned (a gate, as a slow
// thread start would). The program then opens the gate and joins them.
#include <leakguard/context.hpp>
#include <leakguard/wait_group.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <stop_token>
#include <thread>
#include <vector>

#include "buggy/tracker_confirm.hpp"

int main() {
  const auto opts = buggy::baseline(std::chrono::milliseconds(200));
  leakguard::wait_group wg;
  std::atomic<int> done{0};
  auto [gate, open_gate] = leakguard::with_cancel(leakguard::background());
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i)
    threads.emplace_back([&wg, &done, gate = gate] {
      gate.wait();  // a slow start
      wg.add(1);    // BUG: too late, wait() may already have returned
      ++done;
      wg.done();
    });
  wg.wait();  // returns at once: nothing was added yet
  std::printf("wait() returned with %d of 3 tasks done\n", done.load());

  const leakguard::leak_report r = leakguard::find_leaks(opts);
  const int rc = buggy::report(r.threads.size() == 3, r,
                               "3 worker threads still running after wg.wait() returned");
  open_gate();  // end the demo
  for (std::thread& t : threads) t.join();
  return rc;
}
