// bench/tracker_count.cpp - a fixed number of uncontended push+pop pairs on a
// buffered leakguard::channel<long>(64), for callgrind:
//   valgrind --tool=callgrind --toggle-collect=lg_bench_loop tracker_count_on 200000
// counts only the instructions inside lg_bench_loop, so the total divided by
// the count is instructions per push+pop. Built twice: tracker_count_on
// (tracking compiled in, the runtime linked when it exists) and
// tracker_count_off (-DLEAKGUARD_NO_TRACKING=1).
#include <cstdio>
#include <cstdlib>

#if __has_include(<leakguard/channel.hpp>)
#include <leakguard/channel.hpp>

extern "C" __attribute__((noinline)) long lg_bench_loop(leakguard::channel<long>& ch, long n) {
  long s = 0;
  for (long i = 0; i < n; ++i) {
    ch.push(i);
    s += *ch.pop();
  }
  return s;
}

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 100000;
  leakguard::channel<long> ch(64);
  ch.push(-1);  // warm up outside the counted loop
  (void)ch.pop();
  std::printf("tracking=%s n=%ld sum=%ld\n", LEAKGUARD_NO_TRACKING ? "off" : "on", n,
              lg_bench_loop(ch, n));
  return 0;
}
#else
int main() {
  std::puts("leakguard/channel.hpp missing");
  return 3;
}
#endif
