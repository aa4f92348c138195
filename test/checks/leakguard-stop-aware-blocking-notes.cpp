// The note points at the handle the fix-it passes: the innermost one.
// RUN: %check_tidy %s leakguard-stop-aware-blocking %t -- -- -isystem %inputs

#include <leakguard/leakguard.hpp>
#include <thread>

void notes(leakguard::channel<int> &ch, const leakguard::context &ctx) {
  ch.push(1);
  // CHECK-NOTES: :[[@LINE-1]]:6: warning: call to 'ch.push' blocks and ignores stop handle 'ctx'; pass it to the stop-aware overload [leakguard-stop-aware-blocking]
  // CHECK-NOTES: :[[@LINE-2]]:12: note: FIX-IT applied suggested code changes
  // CHECK-NOTES: :[[@LINE-4]]:67: note: stop handle 'ctx' declared here
  // CHECK-FIXES: {{^}}  ch.push(1, ctx);{{$}}
  std::jthread t([&](std::stop_token st) {
    for (int v : ch)
      (void)v;
    // CHECK-NOTES: :[[@LINE-2]]:18: warning: range-for over channel 'ch' blocks on every receive and ignores stop handle 'st' (the nearest of 2 stop handles in scope); loop on 'ch.pop(st)' instead
    // CHECK-NOTES: :[[@LINE-4]]:38: note: stop handle 'st' declared here
  });
}
