// RUN: %check_tidy %s leakguard-detached-thread %t -- -- -isystem %inputs

#include <leakguard/leakguard.hpp>
#include <detached-thread/sys_daemon.hpp>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

void work();
void work_on(int);

// ---- detach() is flagged -------------------------------------------------

void detach_local() {
  std::thread t(work);
  t.detach();
  // CHECK-NOTES: :[[@LINE-1]]:5: warning: thread 't' is detached: nobody can stop it or wait for it; own it with leakguard::go or a std::jthread in the scope that must outlive it [leakguard-detached-thread]
  // CHECK-NOTES: :[[@LINE-3]]:15: note: thread 't' is started here
}

void detach_temporary() {
  std::thread(work).detach();
  // CHECK-NOTES: :[[@LINE-1]]:21: warning: thread is detached as soon as it is created: nobody can stop it
  std::thread([] { work(); }).detach();
  // CHECK-NOTES: :[[@LINE-1]]:31: warning: thread is detached as soon as it is created
}

void detach_jthread() {
  std::jthread j([] { work(); });
  j.detach();
  // CHECK-NOTES: :[[@LINE-1]]:5: warning: thread 'j' is detached: nobody can stop it
  // CHECK-NOTES: :[[@LINE-3]]:16: note: thread 'j' is started here
}

void detach_after_assignment(bool fast) {
  std::thread t;
  if (fast)
    t = std::thread(work);
  else
    t = std::thread(work_on, 2);
  t.detach();
  // CHECK-NOTES: :[[@LINE-1]]:5: warning: thread 't' is detached
  // CHECK-NOTES: :[[@LINE-3]]:9: note: thread 't' is started here
}

void detach_parameter(std::thread t) {
  t.detach();
  // CHECK-NOTES: :[[@LINE-1]]:5: warning: thread 't' is detached
}

void detach_through_pointer(std::unique_ptr<std::thread> p, std::thread *raw) {
  p->detach();
  // CHECK-NOTES: :[[@LINE-1]]:6: warning: thread 'p' is detached
  raw->detach();
  // CHECK-NOTES: :[[@LINE-1]]:8: warning: thread 'raw' is detached
}

struct Daemon {
  std::thread thread_;
  void start() {
    thread_ = std::thread([this] { (void)this; });
    thread_.detach();
    // CHECK-NOTES: :[[@LINE-1]]:13: warning: thread 'thread_' is detached
  }
};

void detach_in_lambda() {
  auto spawn = [] {
    std::thread t(work);
    t.detach();
    // CHECK-NOTES: :[[@LINE-1]]:7: warning: thread 't' is detached
    // CHECK-NOTES: :[[@LINE-3]]:17: note: thread 't' is started here
  };
  spawn();
}

void detach_in_loop(std::vector<std::thread> &pool) {
  for (std::thread &t : pool)
    t.detach();
  // CHECK-NOTES: :[[@LINE-1]]:7: warning: thread 't' is detached
}

// Templates: reported once, in the pattern or (when the thread's type is a
// template parameter) in the first instantiation.
template <class F> void spawn_detached(F f) {
  std::thread t(f);
  t.detach();
  // CHECK-NOTES: :[[@LINE-1]]:5: warning: thread 't' is detached
  // CHECK-NOTES: :[[@LINE-3]]:15: note: thread 't' is started here
}

template <class F> void spawn_temporary(F f) {
  std::thread([f = std::move(f)]() mutable { f(); }).detach();
  // CHECK-NOTES: :[[@LINE-1]]:54: warning: thread is detached as soon as it is created
}

template <class Thread> void spawn_generic() {
  Thread t(work);
  t.detach();
  // CHECK-NOTES: :[[@LINE-1]]:5: warning: thread 't' is detached
  // CHECK-NOTES: :[[@LINE-3]]:10: note: thread 't' is started here
}

void instantiate() {
  spawn_detached(work);
  spawn_detached([] {});
  spawn_temporary(work);
  spawn_temporary([] {});
  spawn_generic<std::thread>();
  spawn_generic<std::jthread>();
}

// NOLINT silences it.
void silenced() {
  std::thread t(work);
  t.detach(); // NOLINT(leakguard-detached-thread)
  // NOLINTNEXTLINE(leakguard-detached-thread)
  std::thread(work).detach();
}

// ---- destroyed while joinable -------------------------------------------

void never_joined() {
  std::thread t(work);
  // CHECK-NOTES: :[[@LINE-1]]:15: warning: std::thread 't' is destroyed while joinable: std::terminate; join it before the end of its scope, or make it a std::jthread [leakguard-detached-thread]
  // CHECK-NOTES: :[[@LINE-2]]:8: note: FIX-IT applied suggested code changes
  // CHECK-FIXES: {{^}}  std::jthread t(work);{{$}}
}

void never_joined_lambda() {
  std::thread worker([](int n) { work_on(n); }, 3);
  // CHECK-NOTES: :[[@LINE-1]]:15: warning: std::thread 'worker' is destroyed while joinable
  // CHECK-NOTES: :[[@LINE-2]]:8: note: FIX-IT applied suggested code changes
  // CHECK-FIXES: {{^}}  std::jthread worker([](int n) { work_on(n); }, 3);{{$}}
  (void)worker.get_id();
}

// No fix-it when a std::jthread might call the callable differently (it
// passes a stop token first when it can), or the type is not written as
// std::thread in a declaration of its own.
void no_fix_generic() {
  std::thread g([](auto...) { work(); });
  // CHECK-NOTES: :[[@LINE-1]]:15: warning: std::thread 'g' is destroyed while joinable
  // CHECK-FIXES: {{^}}  std::thread g([](auto...) { work(); });{{$}}
  using namespace std;
  thread h(work);
  // CHECK-NOTES: :[[@LINE-1]]:10: warning: std::thread 'h' is destroyed while joinable
  std::thread a(work), b(work);
  // CHECK-NOTES: :[[@LINE-1]]:15: warning: std::thread 'a' is destroyed while joinable
  // CHECK-NOTES: :[[@LINE-2]]:24: warning: std::thread 'b' is destroyed while joinable
  auto c = std::thread(work);
  // CHECK-NOTES: :[[@LINE-1]]:8: warning: std::thread 'c' is destroyed while joinable
}

// ---- not flagged: the thread has an owner --------------------------------

void joined() {
  std::thread t(work);
  t.join();
}

void joined_if_joinable() {
  std::thread t(work);
  if (t.joinable())
    t.join();
}

void jthread_scope() {
  std::jthread j([](std::stop_token st) { (void)st; });
}

void go_handle() {
  auto h = leakguard::go([] { work(); });
  leakguard::task_group g;
  g.go([] { work(); });
}

std::thread returned() {
  std::thread t(work);
  return t;
}

void moved_into_container(std::vector<std::thread> &pool) {
  std::thread t(work);
  pool.push_back(std::move(t));
  pool.emplace_back(work);
  for (std::thread &p : pool)
    p.join();
}

struct Owner {
  std::thread member_;
  void start() {
    std::thread t(work);
    member_ = std::move(t);
  }
  ~Owner() {
    if (member_.joinable())
      member_.join();
  }
};

void handed_to_a_call(void (*keep)(std::thread &)) {
  std::thread t(work);
  keep(t);
}

void captured_and_joined() {
  std::thread t(work);
  auto finish = [&] { t.join(); };
  finish();
}

void default_constructed() {
  std::thread t; // not joinable
}

void not_started_here(std::thread (*make)()) {
  std::thread t = make(); // may be empty: not certain
  (void)t.get_id();
}

[[noreturn]] void fatal();

void scope_never_ends_normally() {
  std::thread t(work);
  fatal();
}

void serve_forever() {
  std::thread t(work);
  for (;;)
    work();
}

// Detaching inside system headers is not reported; a type that is not a
// thread type is not either.
void system_code() {
  sysdaemon::start();
  boostlike::thread bt(work);
  bt.detach();
}
