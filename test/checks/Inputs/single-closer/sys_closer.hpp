// A system header (on -isystem) whose code breaks the single-closer rule:
// nothing may be reported from it.
#pragma once
#include <leakguard/leakguard.hpp>

inline void sys_double_close(leakguard::channel<int> &ch) {
  ch.close();
  ch.close();
}

template <class T> void sys_drain_close(leakguard::channel<T> &in) {
  for (auto v : in)
    (void)v;
  in.close();
}

inline void sys_use() {
  leakguard::channel<int> c;
  sys_drain_close(c);
}
