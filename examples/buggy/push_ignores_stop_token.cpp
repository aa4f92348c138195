// BUGGY TWIN - deliberately wrong; kept out of the dogfood clean run.
//
// Bug: the producer has a std::stop_token in scope but its blocking
// `ch.push(v)` ignores it. When the consumer stops reading and requests stop,
// the producer stays blocked in push forever (the seed's pipeline leak).
// Fix: `if (!ch.push(v, st)) return;`.
//
// Static: leakguard-stop-aware-blocking flags the `ch.push(i)` call.
// FLAGGED-BY: leakguard-stop-aware-blocking
// Run time: the tracker reports a definite leak - thread "producer" blocked
// in channel<int>::push (cap 0) - after the consumer left. The program then
// reads the rest of the producer's batch so it can notice the stop and exit.
#include <leakguard/channel.hpp>
#include <leakguard/go.hpp>

#include <chrono>
#include <cstdio>
#include <stop_token>

#include "buggy/tracker_confirm.hpp"

int main() {
  // A definite leak ends the wait at once; the long bound is for a loaded
  // machine, where the leaking thread may take a while to reach its wait.
  const auto opts = buggy::baseline(std::chrono::seconds(5));
  leakguard::channel<int> ch;
  constexpr int kBatch = 100, kWanted = 3;
  auto producer = leakguard::go(leakguard::named("producer"), [&ch](std::stop_token st) {
    // Checks the token between batches - but the blocking push inside a
    // batch does not watch it.
    for (int i = 0; !st.stop_requested();)
      for (int k = 0; k < kBatch; ++k) ch.push(i++);  // BUG: ignores st
  });
  for (int n = 0; n < kWanted; ++n) std::printf("got %d\n", *ch.pop());
  producer.request_stop();  // the consumer leaves; the producer never notices

  const leakguard::leak_report r = leakguard::find_leaks(opts);
  const int rc = buggy::report(buggy::has_blocked_thread(r, "channel<int>::push"), r,
                               "a thread blocked forever in channel<int>::push");
  // End the demo: take the rest of the batch, then the producer sees the stop.
  for (int n = kWanted; n < kBatch; ++n) (void)ch.pop();
  producer.join();
  return rc;
}
