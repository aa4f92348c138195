// The options: BlockingFunctions adds functions, ChannelTypes and
// StopHandleTypes replace their lists; bad entries are configuration
// diagnostics, not crashes.
//
// RUN: %check_tidy %s leakguard-stop-aware-blocking %t -- -- -isystem %inputs
// RUN: %check_tidy -check-suffixes=BF %s leakguard-stop-aware-blocking %t.bf -- \
// RUN:   -config="{CheckOptions: {leakguard-stop-aware-blocking.BlockingFunctions: 'thirdparty::queue::push;thirdparty::queue::pop;::thirdparty::blocking_io;thirdparty::legacy_wait'}}" \
// RUN:   -- -isystem %inputs
// RUN: %check_tidy -check-suffixes=CT %s leakguard-stop-aware-blocking %t.ct -- \
// RUN:   -config="{CheckOptions: {leakguard-stop-aware-blocking.ChannelTypes: 'thirdparty::tokqueue'}}" \
// RUN:   -- -isystem %inputs
// RUN: %check_tidy -check-suffixes=SH %s leakguard-stop-aware-blocking %t.sh -- \
// RUN:   -config="{CheckOptions: {leakguard-stop-aware-blocking.StopHandleTypes: '::std::stop_token;thirdparty::cancel_token'}}" \
// RUN:   -- -isystem %inputs
// RUN: %clang_tidy --load %clang_tidy_plugin %s -checks='-*,leakguard-stop-aware-blocking' \
// RUN:   -config="{CheckOptions: {leakguard-stop-aware-blocking.BlockingFunctions: 'push; 1bad::x ;;ns::f', leakguard-stop-aware-blocking.StopHandleTypes: 'std::stop_token;not a type', leakguard-stop-aware-blocking.ChannelTypes: 'a::b<int>'}}" \
// RUN:   -- -std=c++20 -isystem %inputs 2>&1 | %FileCheck %s --check-prefix=BAD
// RUN: %clang_tidy --load %clang_tidy_plugin %s -checks='-*,leakguard-stop-aware-blocking' \
// RUN:   -config="{CheckOptions: {leakguard-stop-aware-blocking.StopHandleTypes: ' ; not a type'}}" \
// RUN:   -- -std=c++20 -isystem %inputs 2>&1 | %FileCheck %s --check-prefix=EMPTY --implicit-check-not='[leakguard-stop-aware-blocking]'
// EMPTY: warning: invalid type name 'not a type' in option 'StopHandleTypes'
// EMPTY: warning: option 'StopHandleTypes' names no valid type; leakguard-stop-aware-blocking finds no stop handle in scope and flags nothing (disable the check instead, or list '::std::stop_token;::leakguard::context') [clang-tidy-config]
// BAD: warning: invalid entry 'push' in option 'BlockingFunctions'; expected 'Type::function' such as 'boost::fibers::buffered_channel::push' [clang-tidy-config]
// BAD: warning: invalid type name '1bad::x' in option 'BlockingFunctions'
// BAD-DAG: warning: invalid type name 'not a type' in option 'StopHandleTypes'
// BAD-DAG: warning: invalid type name 'a::b<int>' in option 'ChannelTypes'
// The valid entries still work: 'ns::f' is used, std::stop_token is a handle.
// BAD: :[[@LINE+10]]:3: warning: call to 'f' blocks and ignores stop handle 'st'; 'f' has no stop-aware overload [leakguard-stop-aware-blocking]

#include <leakguard/leakguard.hpp>
#include <stop-aware-blocking/extra.hpp>

namespace ns {
void f();
}

void bad_options(std::stop_token st) {
  ns::f();
}

void user_functions(thirdparty::queue<int> &q, int fd, std::stop_token st) {
  q.push(1);
  // CHECK-MESSAGES-BF: :[[@LINE-1]]:5: warning: call to 'q.push' blocks and ignores stop handle 'st'; 'push' has no stop-aware overload [leakguard-stop-aware-blocking]
  (void)q.pop();
  // CHECK-MESSAGES-BF: :[[@LINE-1]]:11: warning: call to 'q.pop' blocks and ignores stop handle 'st'; 'pop' has no stop-aware overload
  int out;
  (void)q.try_pop(out);
  thirdparty::blocking_io(fd);
  // CHECK-MESSAGES-BF: :[[@LINE-1]]:3: warning: call to 'blocking_io' blocks and ignores stop handle 'st'; pass it to the stop-aware overload
  // CHECK-FIXES-BF: {{^}}  thirdparty::blocking_io(fd, st);{{$}}
  thirdparty::blocking_io(fd, st);
  thirdparty::legacy_wait();
  // CHECK-MESSAGES-BF: :[[@LINE-1]]:3: warning: call to 'legacy_wait' blocks and ignores stop handle 'st'; 'legacy_wait' has no stop-aware overload
}

void channel_types(thirdparty::tokqueue<int> &tq, leakguard::channel<int> &ch,
                   std::stop_token st) {
  tq.push(1);
  // CHECK-MESSAGES-CT: :[[@LINE-1]]:6: warning: call to 'tq.push' blocks and ignores stop handle 'st'; pass it to the stop-aware overload
  // CHECK-FIXES-CT: {{^}}  tq.push(1, st);{{$}}
  tq.pop();
  // CHECK-MESSAGES-CT: :[[@LINE-1]]:6: warning: call to 'tq.pop' blocks
  // CHECK-FIXES-CT: {{^}}  tq.pop(st);{{$}}
  for (int v : tq)
    // CHECK-MESSAGES-CT: :[[@LINE-1]]:16: warning: range-for over channel 'tq' blocks on every receive
    (void)v;
  // With the list replaced, leakguard::channel is not a channel type here.
  ch.push(2);
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: call to 'ch.push' blocks
  // CHECK-MESSAGES-BF: :[[@LINE-2]]:6: warning: call to 'ch.push' blocks
  // CHECK-MESSAGES-SH: :[[@LINE-3]]:6: warning: call to 'ch.push' blocks
  // CHECK-FIXES: {{^}}  ch.push(2, st);{{$}}
  // CHECK-FIXES-BF: {{^}}  ch.push(2, st);{{$}}
  // CHECK-FIXES-SH: {{^}}  ch.push(2, st);{{$}}
  // CHECK-FIXES-CT: {{^}}  ch.push(2);{{$}}
}

void handle_types(leakguard::channel<int> &ch, thirdparty::cancel_token ct) {
  ch.pop();
  // CHECK-MESSAGES-SH: :[[@LINE-1]]:6: warning: call to 'ch.pop' blocks and ignores stop handle 'ct'; pass it
  // CHECK-FIXES-SH: {{^}}  ch.pop(ct);{{$}}
}

void context_not_a_handle_with_sh(leakguard::channel<int> &ch,
                                  leakguard::context ctx) {
  ch.pop();
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: call to 'ch.pop' blocks and ignores stop handle 'ctx'
  // CHECK-MESSAGES-BF: :[[@LINE-2]]:6: warning: call to 'ch.pop' blocks and ignores stop handle 'ctx'
  // CHECK-FIXES: {{^}}  ch.pop(ctx);{{$}}
  // CHECK-FIXES-BF: {{^}}  ch.pop(ctx);{{$}}
  // CHECK-FIXES-SH: {{^}}  ch.pop();{{$}}
  // CHECK-FIXES-CT: {{^}}  ch.pop();{{$}}
}
