// ThreadTypes replaces the list of thread types; AllowedFunctions names the
// functions (methods, or `main`) whose detaches are deliberate daemons. Bad
// entries are configuration diagnostics.
//
// RUN: %check_tidy -check-suffixes=TT %s leakguard-detached-thread %t.tt -- \
// RUN:   -config="{CheckOptions: {leakguard-detached-thread.ThreadTypes: '::std::thread;boostlike::thread'}}" \
// RUN:   -- -isystem %inputs
// RUN: %check_tidy -check-suffixes=AF %s leakguard-detached-thread %t.af -- \
// RUN:   -config="{CheckOptions: {leakguard-detached-thread.AllowedFunctions: 'main;daemons::start_watchdog;daemons::Service::launch'}}" \
// RUN:   -- -isystem %inputs
// RUN: %clang_tidy --load %clang_tidy_plugin %s -checks='-*,leakguard-detached-thread' \
// RUN:   -config="{CheckOptions: {leakguard-detached-thread.ThreadTypes: 'std::thread;boost::thread<int>', leakguard-detached-thread.AllowedFunctions: 'main; 2fast ;;'}}" \
// RUN:   -- -std=c++20 -isystem %inputs 2>&1 | %FileCheck %s --check-prefix=BAD
// BAD-DAG: warning: invalid type name 'boost::thread<int>' in option 'ThreadTypes'; expected a qualified name such as 'boost::fibers::buffered_channel' [clang-tidy-config]
// BAD-DAG: warning: invalid type name '2fast' in option 'AllowedFunctions'
// The valid entries still work: std::thread is a thread type, main is allowed.
// BAD: leakguard-detached-thread-options.cpp:[[@LINE+16]]:5: warning: thread 't' is detached
// BAD: leakguard-detached-thread-options.cpp:[[@LINE+21]]:21: warning: thread is detached as soon as it is created
// BAD: leakguard-detached-thread-options.cpp:[[@LINE+22]]:39: warning: thread is detached as soon as it is created
// BAD: leakguard-detached-thread-options.cpp:[[@LINE+32]]:7: warning: thread 't' is detached
// BAD: leakguard-detached-thread-options.cpp:[[@LINE+36]]:7: warning: thread 't' is detached: {{.*}} [leakguard-detached-thread]
// BAD-NOT: warning:

#include <detached-thread/sys_daemon.hpp>
#include <thread>

void work();

namespace daemons {

void start_logger() {
  std::thread t(work);
  t.detach();
  // CHECK-MESSAGES-TT: :[[@LINE-1]]:5: warning: thread 't' is detached
  // CHECK-MESSAGES-AF: :[[@LINE-2]]:5: warning: thread 't' is detached
}

void start_watchdog() {
  std::thread(work).detach();
  // CHECK-MESSAGES-TT: :[[@LINE-1]]:21: warning: thread is detached as soon as it is created
  auto again = [] { std::thread(work).detach(); };
  // CHECK-MESSAGES-TT: :[[@LINE-1]]:39: warning: thread is detached as soon as it is created
  again();
}

struct Service {
  void launch() {
    boostlike::thread bt(work);
    bt.detach();
    // CHECK-MESSAGES-TT: :[[@LINE-1]]:8: warning: thread 'bt' is detached
    std::thread t(work);
    t.detach();
    // CHECK-MESSAGES-TT: :[[@LINE-1]]:7: warning: thread 't' is detached
  }
  void relaunch() {
    std::thread t(work);
    t.detach();
    // CHECK-MESSAGES-TT: :[[@LINE-1]]:7: warning: thread 't' is detached
    // CHECK-MESSAGES-AF: :[[@LINE-2]]:7: warning: thread 't' is detached
  }
};

} // namespace daemons

int main() {
  std::jthread j(work);
  j.detach(); // std::jthread is not in the TT list; main is allowed in AF
  return 0;
}
