// A user's program built against the installed package: the umbrella
// header, a channel between two threads, and the leak tracker's verdict.
#include <leakguard/leakguard.hpp>
#include <leakguard/leakcheck.hpp>

#include <cstdio>

int main() {
  leakguard::channel<int> ch(4);
  auto producer = leakguard::go([&] {
    for (int i = 1; i <= 10; ++i) ch.push(i);
    ch.close();
  });
  int sum = 0;
  for (int v : ch) sum += v;
  producer.join();
  leakguard::verify_none();  // throws leakguard::leak_error on a leak
  std::printf("consumer: sum=%d, no leaks\n", sum);
  return sum == 55 ? 0 : 1;
}
