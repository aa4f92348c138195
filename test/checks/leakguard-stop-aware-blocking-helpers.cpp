// A call, with a stop handle in scope, to a function of this translation
// unit that takes no stop handle and blocks without one (directly, or through
// further such functions) ignores the handle just as a direct push would.
//
// RUN: %check_tidy %s leakguard-stop-aware-blocking %t -- -- -isystem %inputs
// RUN: %check_tidy -check-suffixes=OFF %s leakguard-stop-aware-blocking %t.off -- \
// RUN:   -config="{CheckOptions: {leakguard-stop-aware-blocking.FollowHelpers: 'false'}}" \
// RUN:   -- -isystem %inputs
// RUN: %clang_tidy --load %clang_tidy_plugin %s -checks='-*,leakguard-stop-aware-blocking' \
// RUN:   -config="{CheckOptions: {leakguard-stop-aware-blocking.FollowHelpers: 'maybe'}}" \
// RUN:   -- -std=c++20 -isystem %inputs 2>&1 | %FileCheck %s --check-prefix=BAD
// BAD: warning: invalid value 'maybe' for option 'FollowHelpers'; expected 'true' or 'false' [clang-tidy-config]
// An invalid value keeps the default (helpers are followed):
// BAD: warning: call to 'produce' blocks and ignores stop handle 'st'

#include <leakguard/leakguard.hpp>

using namespace std::chrono_literals;

void use(int);

// ---- flagged ----

void produce(leakguard::channel<int> &ch) {
  for (int i = 0;; ++i)
    ch.push(i);
}

void direct(leakguard::channel<int> &ch, std::stop_token st) {
  produce(ch);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: call to 'produce' blocks and ignores stop handle 'st': 'produce' takes no stop handle and blocks in 'ch.push'; give it a stop handle parameter and pass 'st' [leakguard-stop-aware-blocking]
  // CHECK-MESSAGES: :[[@LINE-6]]:8: note: 'produce' blocks here
  // CHECK-MESSAGES: :[[@LINE-4]]:58: note: stop handle 'st' declared here
  // No fix-it: the helper has no stop-aware form to call.
  // CHECK-FIXES: {{^}}  produce(ch);{{$}}
}

// The usual shape: the worker lambda holds the token, the loop is elsewhere.
void spawned(leakguard::channel<int> &ch) {
  auto t = leakguard::go([&ch](std::stop_token st) { produce(ch); });
  // CHECK-MESSAGES: :[[@LINE-1]]:54: warning: call to 'produce' blocks and ignores stop handle 'st'
}

void inner(leakguard::channel<int> &ch) { use(*ch.pop()); }
void outer(leakguard::channel<int> &ch) { inner(ch); }

void two_hops(leakguard::channel<int> &ch, const leakguard::context &ctx) {
  outer(ch);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: call to 'outer' blocks and ignores stop handle 'ctx': 'outer' takes no stop handle and blocks in 'ch.pop'
  // CHECK-MESSAGES: :[[@LINE-5]]:43: note: 'outer' blocks through this call to 'inner'
}

struct stage {
  leakguard::channel<int> &out;
  void emit(int v) { out.push(v); }
};

void member(stage &s, std::stop_token st) {
  s.emit(1);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: call to 'emit' blocks and ignores stop handle 'st': 'emit' takes no stop handle and blocks in 'out.push'
}

void drain(leakguard::channel<int> &ch) {
  for (int v : ch)
    use(v);
}
void limited(leakguard::semaphore &sem) {
  leakguard::semaphore_guard g(sem);
  use(1);
}
void nap() { std::this_thread::sleep_for(10ms); }
template <class C> void put(C &c) { c.push(1); }

void other_operations(leakguard::channel<int> &ch, leakguard::semaphore &sem,
                      std::stop_token st) {
  drain(ch);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: call to 'drain' blocks and ignores stop handle 'st': 'drain' takes no stop handle and blocks in a range-for over 'ch'
  limited(sem);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: call to 'limited' blocks and ignores stop handle 'st': 'limited' takes no stop handle and blocks in 'semaphore_guard'
  nap();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: call to 'nap' blocks and ignores stop handle 'st': 'nap' takes no stop handle and blocks in 'sleep_for'
  put(ch);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: call to 'put' blocks and ignores stop handle 'st': 'put' takes no stop handle and blocks in 'c.push'
}

// Mutual recursion ends the search without losing the push.
void ping(leakguard::channel<int> &ch, int n);
void pong(leakguard::channel<int> &ch, int n) {
  if (n == 0)
    ch.push(0);
  else
    ping(ch, n - 1);
}
void ping(leakguard::channel<int> &ch, int n) { pong(ch, n); }

void recursive(leakguard::channel<int> &ch, std::stop_token st) {
  ping(ch, 3);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: call to 'ping' blocks and ignores stop handle 'st': 'ping' takes no stop handle and blocks in 'ch.push'
}

// ---- not flagged ----

void produce_aware(leakguard::channel<int> &ch, std::stop_token st) {
  for (int i = 0;; ++i)
    if (!ch.push(i, st))
      return;
}
void bounded(leakguard::channel<int> &ch) {
  ch.try_push(1);
  ch.push_for(2, 5ms);
}
auto make_sender(leakguard::channel<int> &ch) {
  return [&ch] { ch.push(1); }; // blocks when called, not when made
}
int countdown(int n) { return n == 0 ? 0 : countdown(n - 1); }
void own_source(leakguard::channel<int> &ch) {
  std::stop_source src;
  ch.push(1, src.get_token()); // passes a handle of its own
}

void fine(leakguard::channel<int> &ch, std::stop_token st) {
  produce_aware(ch, st);  // takes the handle: checked where it is defined
  bounded(ch);            // never blocks
  auto send = make_sender(ch);
  use(countdown(3));
  own_source(ch);
}

void no_handle(leakguard::channel<int> &ch) {
  produce(ch); // no handle in scope: nothing to pass
}

// With FollowHelpers=false only direct blocking calls are checked.
void direct_only(leakguard::channel<int> &ch, std::stop_token st) {
  produce(ch);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: call to 'produce' blocks
  ch.push(1);
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: call to 'ch.push' blocks and ignores stop handle 'st'; pass it
  // CHECK-MESSAGES-OFF: :[[@LINE-2]]:6: warning: call to 'ch.push' blocks and ignores stop handle 'st'; pass it
  // CHECK-FIXES: {{^}}  ch.push(1, st);{{$}}
  // CHECK-FIXES-OFF: {{^}}  ch.push(1, st);{{$}}
}
