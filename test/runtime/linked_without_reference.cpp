// A program that links leakguard::leakguard but calls nothing in the
// runtime: the runtime must still be loaded (hook table installed) and see
// thread creation. Guards against --as-needed dropping the library.
#include <leakguard/detail/tracking.hpp>

#include <cstdio>
#include <thread>

int main() {
  std::thread t([] {});
  t.join();
  if (!leakguard::detail::hooks()) {
    std::puts("leakguard runtime not loaded");
    return 1;
  }
  std::puts("leakguard runtime loaded");
  return 0;
}
