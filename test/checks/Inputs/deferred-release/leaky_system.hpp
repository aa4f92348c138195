// A system header whose code leaks a permit: nothing may be reported here.
#pragma once
#include <leakguard/leakguard.hpp>

inline void leaky_system_function(leakguard::semaphore &sem, bool bad) {
  sem.acquire();
  if (bad)
    return;
  sem.release();
}

template <class T> void leaky_system_template(leakguard::semaphore &sem, T) {
  sem.acquire();
  throw 1;
}
