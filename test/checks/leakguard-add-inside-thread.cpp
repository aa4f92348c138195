// RUN: %check_tidy %s leakguard-add-inside-thread %t

#include <leakguard/leakguard.hpp>
#include <thread>
#include <vector>

void work();

// The buggy twin's shape: add inside the callable given to emplace_back.
void emplace_in_loop() {
  leakguard::wait_group wg;
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i)
    threads.emplace_back([&wg] {
      wg.add(1);
      work();
      wg.done();
    });
  // CHECK-NOTES: :[[@LINE-4]]:7: warning: wait group 'wg' is incremented inside the spawned callable; a wait() may see a zero counter and return before this task is counted - call add() before starting it [leakguard-add-inside-thread]
  // CHECK-NOTES: :[[@LINE-6]]:5: note: the callable is started here; call add() on 'wg' before this
  wg.wait();
  // CHECK-NOTES: :[[@LINE-1]]:3: note: this wait() may return before the task is counted
  for (std::thread &t : threads)
    t.join();
}

void std_thread_ctor(leakguard::wait_group &wg) {
  std::thread t([&] {
    work();
    wg.add();
    wg.done();
  });
  // CHECK-NOTES: :[[@LINE-3]]:5: warning: wait group 'wg' is incremented inside the spawned callable; {{.*}}
  // CHECK-NOTES: :[[@LINE-6]]:15: note: the callable is started here; call add() on 'wg' before this
  wg.wait();
  // CHECK-NOTES: :[[@LINE-1]]:3: note: this wait() may return before the task is counted
  t.join();
}

void jthread_go_and_groups(leakguard::task_group &g, leakguard::worker_pool &pool) {
  leakguard::wait_group wg;
  std::jthread j([&](std::stop_token) { work(); wg.add(1); wg.done(); });
  // CHECK-NOTES: :[[@LINE-1]]:49: warning: wait group 'wg' {{.*}}
  // CHECK-NOTES: :[[@LINE-2]]:16: note: the callable is started here; call add() on 'wg' before this
  // CHECK-NOTES: :[[@LINE+16]]:3: note: this wait() may return before the task is counted
  auto h = leakguard::go([&] { if (true) wg.add(1); wg.done(); });
  // CHECK-NOTES: :[[@LINE-1]]:42: warning: wait group 'wg' {{.*}}
  // CHECK-NOTES: :[[@LINE-2]]:12: note: the callable is started here; call add() on 'wg' before this
  // CHECK-NOTES: :[[@LINE+12]]:3: note: this wait() may return before the task is counted
  g.go([&] { work(); wg.add(1); wg.done(); });
  // CHECK-NOTES: :[[@LINE-1]]:22: warning: wait group 'wg' {{.*}}
  // CHECK-NOTES: :[[@LINE-2]]:3: note: the callable is started here; call add() on 'wg' before this
  // CHECK-NOTES: :[[@LINE+8]]:3: note: this wait() may return before the task is counted
  g.try_go([&] { work(); wg.add(1); wg.done(); });
  // CHECK-NOTES: :[[@LINE-1]]:26: warning: wait group 'wg' {{.*}}
  // CHECK-NOTES: :[[@LINE-2]]:3: note: the callable is started here; call add() on 'wg' before this
  // CHECK-NOTES: :[[@LINE+4]]:3: note: this wait() may return before the task is counted
  pool.submit([&] { work(); wg.add(1); wg.done(); });
  // CHECK-NOTES: :[[@LINE-1]]:29: warning: wait group 'wg' {{.*}}
  // CHECK-NOTES: :[[@LINE-2]]:3: note: the callable is started here; call add() on 'wg' before this
  wg.wait(j.get_stop_token());
  // CHECK-NOTES: :[[@LINE-1]]:3: note: this wait() may return before the task is counted
  h.join();
}

// Passed by reference or pointer to a function that is started.
void worker_ref(leakguard::wait_group &wg) {
  wg.add(1);
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: wait group 'wg' {{.*}}
  // CHECK-NOTES: :[[@LINE+14]]:15: note: the callable is started here; call add() on 'wg' before this
  // CHECK-NOTES: :[[@LINE+15]]:3: note: this wait() may return before the task is counted
  work();
  wg.done();
}
void worker_ptr(int id, leakguard::wait_group *wg) {
  wg->add(1);
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: wait group 'wg' {{.*}}
  // CHECK-NOTES: :[[@LINE+7]]:12: note: the callable is started here; call add() on 'wg' before this
  // CHECK-NOTES: :[[@LINE+7]]:3: note: this wait() may return before the task is counted
  wg->done();
}
void start_functions() {
  leakguard::wait_group wg;
  std::thread a(worker_ref, std::ref(wg));
  auto b = leakguard::go(worker_ptr, 7, &wg);
  wg.wait();
  a.join();
  b.join();
}

// A lambda held in a variable, then started.
void lambda_variable(leakguard::wait_group &wg) {
  auto job = [&wg] { wg.add(1); wg.done(); };
  // CHECK-NOTES: :[[@LINE-1]]:22: warning: wait group 'wg' {{.*}}
  std::thread t(job);
  // CHECK-NOTES: :[[@LINE-1]]:15: note: the callable is started here; call add() on 'wg' before this
  t.join();
}

// A member wait group, shared through `this`.
struct server {
  leakguard::wait_group wg;
  std::vector<std::jthread> conns;
  void accept() {
    conns.emplace_back([this] { wg.add(1); wg.done(); });
    // CHECK-NOTES: :[[@LINE-1]]:33: warning: wait group 'wg' {{.*}}
    // CHECK-NOTES: :[[@LINE-2]]:5: note: the callable is started here; call add() on 'wg' before this
  }
};

// A template is reported once, in its pattern.
template <class T> void tmpl(leakguard::wait_group &wg, T v) {
  std::thread t([&] { (void)v; wg.add(1); wg.done(); });
  // CHECK-NOTES: :[[@LINE-1]]:32: warning: wait group 'wg' {{.*}}
  // CHECK-NOTES: :[[@LINE-2]]:15: note: the callable is started here; call add() on 'wg' before this
  t.join();
}
void use_tmpl(leakguard::wait_group &wg) {
  tmpl(wg, 1);
  tmpl(wg, 2.0);
}

//===--- Not flagged ------------------------------------------------------===//

// The idiom: add before the spawn, done inside.
void idiom() {
  leakguard::wait_group wg;
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    wg.add(1);
    threads.emplace_back([&wg] {
      leakguard::defer d([&] { wg.done(); });
      work();
    });
  }
  wg.add(2);
  auto h = leakguard::go([&] { wg.done(); wg.done(); });
  wg.wait();
  for (std::thread &t : threads)
    t.join();
  h.join();
}

// A callable that is called directly, not started.
void called_directly(leakguard::wait_group &wg) {
  auto step = [&] { wg.add(1); };
  step();
  [&] { wg.add(1); }();
  worker_ref(wg);
}

// The spawned callable's own wait group: it adds before its own spawns.
void own_wait_group() {
  std::thread t([] {
    leakguard::wait_group inner;
    inner.add(1);
    std::thread u([&inner] { inner.done(); });
    inner.wait();
    u.join();
  });
  t.join();
}

// A nested lambda that the task calls itself is not examined as spawned.
void nested(leakguard::wait_group &wg) {
  std::thread t([&] {
    auto later = [&] { wg.done(); };
    later();
  });
  t.join();
}

// NOLINT works.
void suppressed(leakguard::wait_group &wg) {
  std::thread t([&] { wg.add(1); wg.done(); }); // NOLINT(leakguard-add-inside-thread)
  // NOLINTNEXTLINE(leakguard-add-inside-thread)
  std::thread u([&] { wg.add(1); wg.done(); });
  t.join();
  u.join();
}

// A global wait group and a pointer init-capture are shared as well.
leakguard::wait_group global_wg;
void global_and_pointer() {
  std::thread t([] { work(); global_wg.add(1); global_wg.done(); });
  // CHECK-NOTES: :[[@LINE-1]]:30: warning: wait group 'global_wg' {{.*}}
  // CHECK-NOTES: :[[@LINE-2]]:15: note: the callable is started here; call add() on 'global_wg' before this
  // CHECK-NOTES: :[[@LINE+5]]:3: note: this wait() may return before the task is counted
  std::thread u([p = &global_wg] { work(); p->add(1); p->done(); });
  // CHECK-NOTES: :[[@LINE-1]]:44: warning: wait group 'p' {{.*}}
  // CHECK-NOTES: :[[@LINE-2]]:15: note: the callable is started here; call add() on 'p' before this
  // CHECK-NOTES: :[[@LINE+1]]:3: note: this wait() may return before the task is counted
  global_wg.wait();
  t.join();
  u.join();
}

// Recursive fan-out: a counted task adds for the child it starts next; the
// counter cannot reach zero meanwhile.
void fan_out(leakguard::wait_group &wg, leakguard::task_group &g) {
  wg.add(1);
  g.go([&] {
    work();
    wg.add(1);
    g.go([&] { work(); wg.done(); });
    wg.done();
  });
  wg.wait();
}
