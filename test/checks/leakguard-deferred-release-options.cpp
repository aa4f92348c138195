// RUN: %check_tidy %s leakguard-deferred-release %t
// RUN: %check_tidy -check-suffix=NOEXC %s leakguard-deferred-release %t.noexc -- \
// RUN:   -config="{CheckOptions: {leakguard-deferred-release.CountExceptionPaths: 'false'}}"
// RUN: %check_tidy -check-suffix=TYPES %s leakguard-deferred-release %t.types -- \
// RUN:   -config="{CheckOptions: {leakguard-deferred-release.SemaphoreTypes: 'my::permits;::other::sem', leakguard-deferred-release.GuardTypes: 'my::cleanup'}}"

#include <leakguard/leakguard.hpp>

void work();
bool cond() noexcept;

namespace my {
class permits {
public:
  void acquire();
  bool try_acquire() noexcept;
  void release();
};
template <class F> class cleanup {
public:
  explicit cleanup(F f) : f_(f) {}
  ~cleanup() { f_(); }
private:
  F f_;
};
} // namespace my

void exception_only(leakguard::semaphore &sem) {
  sem.acquire();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'sem' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
  // CHECK-MESSAGES-TYPES: :[[@LINE-2]]:3: warning: 'sem' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
  work();
  sem.release();
  work();
}

void custom_type(my::permits &p) {
  p.acquire();
  // CHECK-MESSAGES-TYPES: :[[@LINE-1]]:3: warning: 'p' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
  if (cond())
    return;
  p.release();
}

// With my::cleanup named a guard, its callable is the deferred release
// itself, not a spawned task: `work()` inside it is not a leak.
void custom_guard(leakguard::semaphore &sem) {
  sem.acquire();
  my::cleanup c([&] {
    work();
    sem.release();
  });
  // CHECK-MESSAGES: :[[@LINE-5]]:3: warning: 'sem' is acquired here and handed to a callable that does not release it on every path; defer the release as the callable's first statement [leakguard-deferred-release]
  work();
}
