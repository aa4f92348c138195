// RUN: %check_tidy %s leakguard-deferred-release %t -- -- -isystem %inputs/deferred-release

#include <coroutine>
#include <leaky_system.hpp>
#include <leakguard/leakguard.hpp>

void work();
bool cond() noexcept;

// Templates: reported once, at the pattern, however many instantiations.
template <class T> void tmpl(leakguard::semaphore &sem, T value) {
  sem.acquire();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'sem' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
  if (value < 0)
    return;
  sem.release();
  work();
}

template <class T> struct Box {
  leakguard::semaphore sem_{1};
  void put(T v) {
    sem_.acquire();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'sem_' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
    if (cond())
      throw v;
    sem_.release();
    work();
  }
};

template <class T> void tmpl_lambda(leakguard::semaphore &sem, T) {
  auto f = [&] {
    sem.acquire();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'sem' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
    if (cond())
      return;
    sem.release();
    work();
  };
  f();
}

void instantiate(leakguard::semaphore &sem) {
  tmpl(sem, 1);
  tmpl(sem, 2.0);
  Box<int>().put(1);
  Box<long>().put(1);
  tmpl_lambda(sem, 1);
  tmpl_lambda(sem, 'c');
  leaky_system_function(sem, true);
  leaky_system_template(sem, 1);
}

// NOLINT and NOLINTNEXTLINE suppress the diagnostic.
void suppressed(leakguard::semaphore &sem) {
  sem.acquire(); // NOLINT(leakguard-deferred-release)
  if (cond())
    return;
  // NOLINTNEXTLINE(leakguard-deferred-release)
  sem.acquire();
  if (cond())
    return;
  sem.release();
  sem.release();
  work();
}

// Coroutines: co_return leaves the scope.
struct task {
  struct promise_type {
    task get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
};

task coro(leakguard::semaphore &sem) {
  sem.acquire();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'sem' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
  if (cond())
    co_return;
  sem.release();
  work();
}

task coro_ok(leakguard::semaphore &sem) {
  sem.acquire();
  leakguard::defer d([&] { sem.release(); });
  if (cond())
    co_return;
  work();
}
