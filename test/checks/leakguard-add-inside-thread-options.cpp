// WaitGroupTypes and Spawners name a user's own wait group and spawner;
// invalid values are a configuration error, not a crash.
// RUN: %check_tidy -check-suffixes=,DEF %s leakguard-add-inside-thread %t
// RUN: %check_tidy -check-suffixes=,CUSTOM %s leakguard-add-inside-thread %t -- \
// RUN:   -config="{CheckOptions: {leakguard-add-inside-thread.WaitGroupTypes: 'my::counter', leakguard-add-inside-thread.Spawners: 'my::spawn;my::pool::post;my::fiber'}}"
// RUN: %check_tidy -check-suffixes=,BAD %s leakguard-add-inside-thread %t -- \
// RUN:   -config="{CheckOptions: {leakguard-add-inside-thread.WaitGroupTypes: '1bad', leakguard-add-inside-thread.Spawners: 'x::'}}"

// CHECK-MESSAGES-BAD: warning: invalid type name '1bad' in option 'WaitGroupTypes'
// CHECK-MESSAGES-BAD: warning: invalid type name 'x::' in option 'Spawners'

#include <add-inside-thread/my_sync.hpp>
#include <leakguard/leakguard.hpp>
#include <thread>

void step();

void builtin(leakguard::wait_group &wg) {
  std::thread t([&] { step(); wg.add(1); wg.done(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:31: warning: wait group 'wg' is incremented inside the spawned callable; {{.*}} [leakguard-add-inside-thread]
  t.join();
}

void user_counter(my::counter &c) {
  std::thread t([&] { step(); c.add(1); c.done(); });
  // CHECK-MESSAGES-CUSTOM: :[[@LINE-1]]:31: warning: wait group 'c' is incremented inside the spawned callable; {{.*}} [leakguard-add-inside-thread]
  t.join();
}

void user_spawner(leakguard::wait_group &wg) {
  my::spawn([&] { step(); wg.add(1); wg.done(); });
  // CHECK-MESSAGES-CUSTOM: :[[@LINE-1]]:27: warning: wait group 'wg' is incremented inside the spawned callable; {{.*}} [leakguard-add-inside-thread]
}

// A copy captured by value is the task's own counter.
void copied_counter(my::counter c) {
  std::thread t([c]() mutable { step(); c.add(1); c.done(); });
  t.join();
}

// A member function of a spawner class, and a thread-like class.
void user_spawner_member(my::pool &pool, leakguard::wait_group &wg) {
  pool.post([&] { step(); wg.add(1); wg.done(); });
  // CHECK-MESSAGES-CUSTOM: :[[@LINE-1]]:27: warning: wait group 'wg' is incremented inside the spawned callable; {{.*}} [leakguard-add-inside-thread]
  my::fiber f([&] { step(); wg.add(1); wg.done(); });
  // CHECK-MESSAGES-CUSTOM: :[[@LINE-1]]:29: warning: wait group 'wg' is incremented inside the spawned callable; {{.*}} [leakguard-add-inside-thread]
}
