// RUN: %check_tidy %s leakguard-deferred-release %t

#include <leakguard/leakguard.hpp>
#include <semaphore>

void work();
void work_noexcept() noexcept;
bool cond() noexcept;

void early_return(leakguard::semaphore &sem, bool bad) {
  sem.acquire();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'sem' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
  // CHECK-FIXES: {{^}}  leakguard::semaphore_guard sem_guard(sem);{{$}}
  if (bad)
    return;
  work_noexcept();
  sem.release();
}
// CHECK-FIXES: {{^}}  work_noexcept();{{$}}
// CHECK-FIXES-NEXT: {{^}}}{{$}}

void exception_in_loop(leakguard::semaphore &sem, int n) {
  for (int i = 0; i < n; ++i) {
    sem.acquire();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'sem' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
    // CHECK-FIXES: {{^}}    leakguard::semaphore_guard sem_guard(sem);{{$}}
    work();
    sem.release();
  }
}
// CHECK-FIXES: {{^}}    work();{{$}}
// CHECK-FIXES-NEXT: {{^}}  }{{$}}

struct Pool {
  leakguard::semaphore sem_{2};
  void run() {
    sem_.acquire();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'sem_' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
    // CHECK-FIXES: {{^}}    leakguard::semaphore_guard sem_guard(sem_);{{$}}
    if (cond())
      return;
    sem_.release();
  }
};

// No fix: code after the release would then run with the permit held.
void release_not_last(leakguard::semaphore &sem) {
  sem.acquire();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'sem' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
  // CHECK-FIXES: {{^}}  sem.acquire();{{$}}
  work();
  sem.release();
  work_noexcept();
}

// No fix: the release is in another block.
void other_block(leakguard::semaphore &sem, int n) {
  sem.acquire();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'sem' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
  // CHECK-FIXES: {{^}}  sem.acquire();{{$}}
  if (n > 0) {
    work();
    sem.release();
    return;
  }
  sem.release();
}

// No fix: std::counting_semaphore has no leakguard::semaphore_guard.
void std_sem(std::counting_semaphore<2> &sem) {
  sem.acquire();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'sem' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
  // CHECK-FIXES: {{^}}  sem.acquire();{{$}}
  work();
  sem.release();
}

// No fix: the guard's name is taken.
void name_taken(leakguard::semaphore &sem) {
  int sem_guard = 0;
  sem.acquire();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'sem' is acquired here but not released on every path; defer the release right after the acquire [leakguard-deferred-release]
  // CHECK-FIXES: {{^}}  sem.acquire();{{$}}
  work();
  (void)sem_guard;
  sem.release();
}
