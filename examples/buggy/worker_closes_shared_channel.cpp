// BUGGY TWIN - deliberately wrong; kept out of the dogfood clean run.
//
// Bug: every worker closes the shared `results` channel when it finishes
// (a worker is not the channel's owner). The first worker to finish closes
// it while the others still send: their sends fail ("send on closed
// channel", a panic in Go), they die, and the producer is left blocked on
// jobs nobody will ever take. Fix: a single closer after all workers:
// `wg.wait(); results.close();` (or leakguard::start_workers).
//
// Static: leakguard-single-closer flags `results.close()` inside the lambda
// started in a loop.
// FLAGGED-BY: leakguard-single-closer
// Run time: the tracker reports thread "producer" blocked forever in
// channel<int>::push on `jobs`: every worker is gone.
// To keep the output deterministic the workers other than the first only
// start after the first one closed `results` (a gate), as a slow worker
// would. The program then drains `jobs` itself so that it can end.
#include <leakguard/channel.hpp>
#include <leakguard/context.hpp>
#include <leakguard/go.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <vector>

#include "buggy/tracker_confirm.hpp"

int main() {
  // A definite leak ends the wait at once; the long bound is for a loaded
  // machine, where the leaking thread may take a while to reach its wait.
  const auto opts = buggy::baseline(std::chrono::seconds(5));
  leakguard::channel<int> jobs;
  leakguard::channel<int> results(8);
  auto [gate, open_gate] = leakguard::with_cancel(leakguard::background());

  auto producer = leakguard::go(leakguard::named("producer"), [&jobs] {
    for (int j = 1; j <= 6; ++j) jobs.push(j);
    jobs.close();
  });
  std::vector<leakguard::go_handle> workers;
  std::atomic<int> failed_sends{0};
  for (int w = 0; w < 3; ++w)
    workers.push_back(leakguard::go(leakguard::named("worker"), [&, w, gate = gate] {
      if (w > 0) gate.wait();  // the slow workers
      try {
        const int job = *jobs.pop();
        results.push(job * 10);  // throws once another worker closed results
        results.close();         // BUG: a worker closes the shared channel
      } catch (const leakguard::channel_closed&) {
        ++failed_sends;
      }
    }));

  int received = 0;
  for (int r : results) {
    (void)r;
    ++received;
  }
  open_gate();
  for (std::size_t w = 1; w < workers.size(); ++w) workers[w].join();
  std::printf("results received: %d of 6, sends that hit a closed channel: %d\n", received,
              failed_sends.load());

  const leakguard::leak_report r = leakguard::find_leaks(opts);
  const int rc = buggy::report(buggy::has_blocked_thread(r, "channel<int>::push"), r,
                               "the producer blocked forever in channel<int>::push");
  for (int j : jobs) (void)j;  // end the demo: take the jobs nobody took
  producer.join();
  return rc;
}
