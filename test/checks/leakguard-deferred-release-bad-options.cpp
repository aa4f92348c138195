// RUN: %clang_tidy --load %clang_tidy_plugin %s --checks='-*,leakguard-deferred-release' \
// RUN:   -config="{CheckOptions: {leakguard-deferred-release.CountExceptionPaths: 'maybe', leakguard-deferred-release.SemaphoreTypes: 'ok::sem;not a type;9bad', leakguard-deferred-release.GuardTypes: 'a::<b>'}}" \
// RUN:   -- -std=c++20 -isystem %inputs 2>&1 | %FileCheck %s
// CHECK-DAG: invalid value 'maybe' for option 'CountExceptionPaths'; expected 'true' or 'false'
// CHECK-DAG: invalid type name 'not a type' in option 'SemaphoreTypes'
// CHECK-DAG: invalid type name '9bad' in option 'SemaphoreTypes'
// CHECK-DAG: invalid type name 'a::<b>' in option 'GuardTypes'
// CHECK-DAG: warning: 'sem' is acquired here but not released on every path

#include <leakguard/leakguard.hpp>
void work();
void f(leakguard::semaphore &sem) {
  sem.acquire();
  work();
  sem.release();
  work();
}
