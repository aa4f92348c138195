// Nothing is reported inside system headers; a user header is analysed only
// when it matches the header filter.
//
// RUN: %check_tidy %s leakguard-stop-aware-blocking %t -- -- -isystem %inputs -I %inputs/stop-aware-blocking/user
// RUN: %clang_tidy --load %clang_tidy_plugin %s -checks='-*,leakguard-stop-aware-blocking' \
// RUN:   --header-filter='user_blocking' -- -std=c++20 -isystem %inputs \
// RUN:   -I %inputs/stop-aware-blocking/user 2>&1 | %FileCheck %s --check-prefix=HDR
// HDR: user_blocking.hpp:5:7: warning: call to 'out.push' blocks and ignores stop handle 'st'
// HDR-NOT: sys_blocking.hpp:{{.*}}warning
// HDR: leakguard-stop-aware-blocking-headers.cpp:[[@LINE+8]]:6: warning: call to 'ch.push' blocks
// HDR-NOT: warning:

#include <stop-aware-blocking/sys_blocking.hpp>
#include "user_blocking.hpp"

void main_file(leakguard::channel<int> &ch, std::stop_token st) {
  sys_forward(ch, ch, st);
  ch.push(1);
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: call to 'ch.push' blocks and ignores stop handle 'st'
  // CHECK-FIXES: {{^}}  ch.push(1, st);{{$}}
}
