// Fix-its: only when moving the add before the spawn is certain.
// RUN: %check_tidy %s leakguard-add-inside-thread %t

#include <leakguard/leakguard.hpp>
#include <thread>
#include <vector>

void work();

void first_statement() {
  leakguard::wait_group wg;
  std::thread t([&wg] {
    wg.add(1);
    work();
    wg.done();
  });
  // CHECK-MESSAGES: :[[@LINE-4]]:5: warning: wait group 'wg' {{.*}} [leakguard-add-inside-thread]
  // CHECK-FIXES:      {{^}}  leakguard::wait_group wg;{{$}}
  // CHECK-FIXES-NEXT: {{^}}  wg.add(1);{{$}}
  // CHECK-FIXES-NEXT: {{^}}  std::thread t([&wg] {{{$}}
  // CHECK-FIXES-NEXT: {{^}}    work();{{$}}
  wg.wait();
  t.join();
}

void in_loop_block(std::vector<std::thread> &threads) {
  leakguard::wait_group wg;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] { wg.add(2); work(); wg.done(); wg.done(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:32: warning: wait group 'wg' {{.*}} [leakguard-add-inside-thread]
    // CHECK-FIXES:      {{^}}    wg.add(2);{{$}}
    // CHECK-FIXES-NEXT: {{^}}    threads.emplace_back([&] { work(); wg.done(); wg.done(); });{{$}}
  }
  wg.wait();
}

// No fix-it: the spawn is a loop body without braces.
void loop_no_braces(std::vector<std::thread> &threads, leakguard::wait_group &wg) {
  for (int i = 0; i < 3; ++i)
    threads.emplace_back([&wg] { wg.add(1); wg.done(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:34: warning: wait group 'wg' {{.*}} [leakguard-add-inside-thread]
  // CHECK-FIXES: {{^}}    threads.emplace_back([&wg] { wg.add(1); wg.done(); });{{$}}
}

// No fix-it: the add is not the first statement, is conditional, has a
// count that only the task knows, or the callable is a variable.
void not_certain(leakguard::wait_group &wg, int n) {
  std::thread a([&] { work(); wg.add(1); wg.done(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:31: warning: wait group 'wg' {{.*}} [leakguard-add-inside-thread]
  std::thread b([&] { if (n) wg.add(1); wg.done(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:30: warning: wait group 'wg' {{.*}} [leakguard-add-inside-thread]
  std::thread c([&, k = n] { wg.add(k); wg.done(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:30: warning: wait group 'wg' {{.*}} [leakguard-add-inside-thread]
  auto job = [&] { wg.add(1); wg.done(); };
  // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: wait group 'wg' {{.*}} [leakguard-add-inside-thread]
  std::thread d(job);
  if (n)
    std::thread e([&] { wg.add(1); wg.done(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: wait group 'wg' {{.*}} [leakguard-add-inside-thread]
  a.join();
  b.join();
  c.join();
  d.join();
}
