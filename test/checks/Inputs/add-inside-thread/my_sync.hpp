// Declarations for leakguard-add-inside-thread's option tests: a user's own
// wait group and spawner.
#pragma once

namespace my {
class counter {
public:
  void add(int n = 1);
  void done();
  void wait();
};
template <class F> void spawn(F &&f) {}
class pool {
public:
  template <class F> void post(F &&f) {}
};
class fiber {
public:
  template <class F> explicit fiber(F &&f) {}
};
} // namespace my
