// A system header (on -isystem) that detaches: never reported.
#pragma once
#include <thread>

namespace sysdaemon {
inline void background() {}
inline void start() {
  std::thread t(background);
  t.detach();
  std::thread(background).detach();
}
} // namespace sysdaemon

namespace boostlike {
class thread {
public:
  template <class F> explicit thread(F) {}
  void detach() {}
  void join() {}
};
} // namespace boostlike
