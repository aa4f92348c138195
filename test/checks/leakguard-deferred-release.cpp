// RUN: %check_tidy %s leakguard-deferred-release %t

#include <leakguard/leakguard.hpp>
#include <semaphore>
#include <stdexcept>
#include <thread>
#include <vector>

void work();
void work_noexcept() noexcept;
bool cond() noexcept;
[[noreturn]] void fatal(const char *) noexcept;

// ---- flagged -----------------------------------------------------------

void early_return(leakguard::semaphore &sem, bool bad) {
  sem.acquire();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'sem' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
  if (bad)
    return;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: this 'return' leaves the scope with 'sem' still held
  work_noexcept();
  sem.release();
  work_noexcept();
}

void never_released(leakguard::semaphore &sem) {
  sem.acquire();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'sem' is acquired here but never released [leakguard-deferred-release]
  work_noexcept();
}
// CHECK-NOTES: :[[@LINE-1]]:1: note: the function ends here with 'sem' still held

void exception_path(leakguard::semaphore &sem) {
  sem.acquire();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'sem' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
  work();
  // CHECK-NOTES: :[[@LINE-1]]:3: note: an exception thrown by 'work' leaves the scope with 'sem' still held
  sem.release();
  work_noexcept();
}

void throw_path(leakguard::semaphore &sem, int n) {
  sem.acquire();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'sem' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
  if (n < 0)
    throw n;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: this 'throw' leaves the scope with 'sem' still held
  sem.release();
  work_noexcept();
}

void break_path(leakguard::semaphore &sem, int n) {
  for (int i = 0; i < n; ++i) {
    sem.acquire();
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: 'sem' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
    if (cond())
      break;
    // CHECK-NOTES: :[[@LINE-1]]:7: note: this 'break' leaves the scope with 'sem' still held
    sem.release();
    work_noexcept();
  }
}

void continue_path(leakguard::semaphore &sem, int n) {
  for (int i = 0; i < n; ++i) {
    sem.acquire();
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: 'sem' is acquired in a loop but not released before the next iteration [leakguard-deferred-release]
    if (cond())
      continue;
    // CHECK-NOTES: :[[@LINE-1]]:7: note: this 'continue' starts the next iteration with 'sem' still held
    sem.release();
    work_noexcept();
  }
}

void goto_path(leakguard::semaphore &sem) {
  sem.acquire();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'sem' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
  if (cond())
    goto out;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: this 'goto' leaves the scope with 'sem' still held
  sem.release();
out:
  return;
}

void release_after_loop(leakguard::semaphore &sem, int n) {
  for (int i = 0; i < n; ++i) {
    sem.acquire();
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: 'sem' is acquired in a loop but not released before the next iteration [leakguard-deferred-release]
    work_noexcept();
  }
  // CHECK-NOTES: :[[@LINE-5]]:3: note: the loop repeats with 'sem' still held
  sem.release();
}

void weighted(leakguard::weighted_semaphore &ws, std::stop_token st) {
  if (!ws.acquire(3, st))
    return;
  // CHECK-NOTES: :[[@LINE-2]]:8: warning: 'ws' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
  if (st.stop_requested())
    return;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: this 'return' leaves the scope with 'ws' still held
  ws.release(3);
}

void try_acquire_leak(leakguard::semaphore &sem) {
  if (sem.try_acquire()) {
    // CHECK-NOTES: :[[@LINE-1]]:7: warning: 'sem' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
    work();
    // CHECK-NOTES: :[[@LINE-1]]:5: note: an exception thrown by 'work' leaves the scope with 'sem' still held
    sem.release();
  }
}

std::counting_semaphore<4> slots(4);
void std_semaphore(bool bad) {
  slots.acquire();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'slots' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
  if (bad)
    return;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: this 'return' leaves the scope with 'slots' still held
  slots.release();
}

void binary_semaphore(std::binary_semaphore &b) {
  b.acquire();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'b' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
  std::vector<int> v(10);
  // CHECK-NOTES: :[[@LINE-1]]:20: note: an exception thrown by 'std::vector<int>' leaves the scope with 'b' still held
  b.release();
}

void unchecked_try(leakguard::semaphore &sem) {
  sem.try_acquire();
  work_noexcept();
  sem.release();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'sem' is released here without a matching successful acquire on some path [leakguard-deferred-release]
  // CHECK-NOTES: :[[@LINE-4]]:3: note: the result of 'try_acquire' is not checked, so no permit may have been acquired
}

void stored_untested(leakguard::semaphore &sem) {
  bool ok = sem.try_acquire();
  work_noexcept();
  sem.release();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'sem' is released here without a matching successful acquire on some path [leakguard-deferred-release]
  // CHECK-NOTES: :[[@LINE-4]]:13: note: the result of 'try_acquire' is not checked, so no permit may have been acquired
  (void)ok;
}

void failed_try(leakguard::semaphore &sem) {
  if (!sem.try_acquire()) {
    work_noexcept();
  }
  sem.release();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'sem' is released here without a matching successful acquire on some path [leakguard-deferred-release]
  // CHECK-NOTES: :[[@LINE-5]]:8: note: 'try_acquire' failed on this path
}

struct Limiter {
  leakguard::semaphore sem_{4};
  bool stopping_ = false;
  void run() {
    sem_.acquire();
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: 'sem_' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
    if (stopping_)
      return;
    // CHECK-NOTES: :[[@LINE-1]]:7: note: this 'return' leaves the scope with 'sem_' still held
    sem_.release();
    work_noexcept();
  }
};

// Hand-off whose spawned callable does not defer the release.
void handoff_not_deferred(leakguard::semaphore &sem, int n) {
  std::vector<std::jthread> ts;
  for (int i = 0; i < n; ++i) {
    sem.acquire();
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: 'sem' is acquired here and handed to a callable that does not release it on every path; defer the release as the callable's first statement [leakguard-deferred-release]
    ts.emplace_back([&sem] {
      work();
      // CHECK-NOTES: :[[@LINE-1]]:7: note: an exception thrown by 'work' skips the release of 'sem' in the callable
      sem.release();
    });
  }
}

void handoff_early_return(leakguard::semaphore &sem, leakguard::task_group &g) {
  sem.acquire();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'sem' is acquired here and handed to a callable that does not release it on every path; defer the release as the callable's first statement [leakguard-deferred-release]
  g.go([&] {
    if (cond())
      return;
    // CHECK-NOTES: :[[@LINE-1]]:7: note: this 'return' leaves the callable with 'sem' still held
    sem.release();
  });
}

// ---- not flagged -------------------------------------------------------

void guard(leakguard::semaphore &sem) {
  leakguard::semaphore_guard g(sem);
  work();
  if (cond())
    return;
}

void defer_release(leakguard::semaphore &sem) {
  sem.acquire();
  leakguard::defer d([&] { sem.release(); });
  work();
  if (cond())
    return;
}

void immediate_release(leakguard::semaphore &sem) {
  sem.acquire();
  work_noexcept();
  sem.release();
}

void checked_try(leakguard::semaphore &sem) {
  if (!sem.try_acquire())
    return;
  work_noexcept();
  sem.release();
}

void checked_try_var(leakguard::semaphore &sem) {
  bool ok = sem.try_acquire();
  work_noexcept();
  if (ok)
    sem.release();
}

void stop_aware(leakguard::semaphore &sem, std::stop_token st) {
  if (!sem.acquire(st))
    return;
  leakguard::defer d([&] { sem.release(); });
  work();
}

void correlated(leakguard::semaphore &sem, bool limited) {
  if (limited)
    sem.acquire();
  work_noexcept();
  if (limited)
    sem.release();
}

void correlated_compare(leakguard::semaphore &sem, int n) {
  if (n > 0)
    sem.acquire();
  work_noexcept();
  if (0 < n)
    sem.release();
  if (n <= 0)
    return;
}

void noreturn_path(leakguard::semaphore &sem) {
  sem.acquire();
  if (cond())
    fatal("boom");
  if (cond())
    std::terminate();
  sem.release();
}

void catch_releases(leakguard::semaphore &sem) {
  sem.acquire();
  try {
    work();
  } catch (...) {
    sem.release();
    throw;
  }
  sem.release();
}

// Go's bounded-parallelism hand-off: the spawned callable defers the release.
void handoff(leakguard::semaphore &sem, std::vector<int> &items) {
  std::vector<std::jthread> ts;
  for (int item : items) {
    sem.acquire();
    ts.emplace_back([&sem, item] {
      leakguard::defer d([&] { sem.release(); });
      work();
      (void)item;
    });
  }
}

void handoff_go(leakguard::semaphore &sem, leakguard::task_group &g) {
  for (int i = 0; i < 8; ++i) {
    sem.acquire();
    g.go([&] {
      leakguard::semaphore_guard *unused = nullptr;
      (void)unused;
      leakguard::defer d([&] { sem.release(); });
      work();
    });
  }
  g.wait();
}

void release_with(leakguard::semaphore &);
void passed_on(leakguard::semaphore &sem) {
  sem.acquire();
  release_with(sem);
  if (cond())
    return;
}

struct Holder {
  leakguard::semaphore *held = nullptr;
  void take(leakguard::semaphore &sem) {
    sem.acquire();
    held = &sem;
    if (cond())
      return;
  }
};

bool try_take(leakguard::semaphore &sem) { return sem.try_acquire(); }

// Lock-style wrapper: acquire here, release in unlock().
class Wrapper {
  leakguard::semaphore &s_;
public:
  explicit Wrapper(leakguard::semaphore &s) : s_(s) { s_.acquire(); }
  ~Wrapper() { s_.release(); }
  void lock() { s_.acquire(); }
  void unlock() { s_.release(); }
};

// A std semaphore used as a signal: released by another thread.
std::binary_semaphore ready(0);
void wait_ready() {
  ready.acquire();
  work();
}

void release_only(leakguard::semaphore &sem) {
  work();
  sem.release();
}

void local_callable(leakguard::semaphore &sem) {
  sem.acquire();
  auto rel = [&] { sem.release(); };
  work_noexcept();
  rel();
}

void spin_until(leakguard::semaphore &sem) {
  while (!sem.try_acquire())
    work_noexcept();
  leakguard::defer d([&] { sem.release(); });
  work();
}

void two_permits(leakguard::semaphore &sem) {
  sem.acquire();
  sem.acquire();
  work_noexcept();
  sem.release();
  sem.release();
}
