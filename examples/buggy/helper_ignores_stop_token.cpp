// BUGGY TWIN - deliberately wrong; kept out of the dogfood clean run.
//
// Bug: the worker holds a std::stop_token, but the loop that blocks lives in
// a helper, `emit_squares(out, n)`, which takes no token and pushes with the
// plain `out.push(v)`. When the consumer stops reading and requests stop, the
// worker stays blocked inside the helper forever: the token never reaches the
// push (the seed's pipeline leak, one function away).
// Fix: give the helper the token - `emit_squares(out, n, st)` - and use
// `if (!out.push(v, st)) return;` in it.
//
// Static: leakguard-stop-aware-blocking flags the call `emit_squares(out, n)`
// in the worker (a note points at the push inside the helper).
// FLAGGED-BY: leakguard-stop-aware-blocking
// Run time: the tracker reports a definite leak - thread "squares" blocked in
// channel<int>::push (cap 0) at the helper's push - after the consumer left.
// The program then reads the rest so the helper returns and the worker ends.
#include <leakguard/channel.hpp>
#include <leakguard/go.hpp>

#include <chrono>
#include <cstdio>
#include <stop_token>

#include "buggy/tracker_confirm.hpp"

namespace {

// Sends the first n squares. Blocks in every push until a receiver takes it.
void emit_squares(leakguard::channel<int>& out, int n) {
  for (int i = 1; i <= n; ++i) out.push(i * i);
}

}  // namespace

int main() {
  // A definite leak ends the wait at once; the long bound is for a loaded
  // machine, where the leaking thread may take a while to reach its wait.
  const auto opts = buggy::baseline(std::chrono::seconds(5));
  leakguard::channel<int> out;
  constexpr int kCount = 10, kWanted = 3;
  auto worker = leakguard::go(leakguard::named("squares"), [&out](std::stop_token st) {
    while (!st.stop_requested()) emit_squares(out, kCount);  // BUG: 'st' stops at the helper
  });
  for (int n = 0; n < kWanted; ++n) std::printf("got %d\n", *out.pop());
  worker.request_stop();  // the consumer leaves; the helper never hears of it

  const leakguard::leak_report r = leakguard::find_leaks(opts);
  const int rc = buggy::report(buggy::has_blocked_thread(r, "channel<int>::push"), r,
                               "a thread blocked forever in channel<int>::push inside a helper");
  // End the demo: take the rest of the batch, then the worker sees the stop.
  for (int n = kWanted; n < kCount; ++n) (void)out.pop();
  worker.join();
  return rc;
}
