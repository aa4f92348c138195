// bench/tracker.cpp - what the leak tracker costs. Built twice from this file:
// bench_tracker_on (tracking compiled in; the runtime installs its hooks when
// it is linked) and bench_tracker_off (-DLEAKGUARD_NO_TRACKING=1, every hook
// compiled out). bench/summarize.py divides on by off.
//
//   push_pop_cap64      uncontended push + pop on a buffered channel (1 thread)
//   pingpong_unbuffered blocking round trip, where blocking_scope records waits
//   verify_none         verify_none() with nothing else running
//   verify_none_4blocked verify_none(ignore_current()) with 4 threads blocked
//                       in pop (ignored), i.e. the cost of walking them
#include <benchmark/benchmark.h>

#include <thread>
#include <vector>

#include "peers.hpp"
#include "workloads.hpp"

#if LG_BENCH_HAVE_RUNTIME && __has_include(<leakguard/leakcheck.hpp>)
#include <leakguard/leakcheck.hpp>
#define LG_BENCH_VERIFY 1
#else
#define LG_BENCH_VERIFY 0
#endif

#if LG_BENCH_HAVE_LEAKGUARD
static void push_pop_cap64(benchmark::State& st) {
  leakguard::channel<long> ch(64);
  long i = 0;
  for (auto _ : st) {
    ch.push(i++);
    benchmark::DoNotOptimize(ch.pop());
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(push_pop_cap64);

static void pingpong_unbuffered(benchmark::State& st) {
  const long n = 5000;
  for (auto _ : st) st.SetIterationTime(lgbench::pingpong<lgbench::leakguard_q>(n));
  st.SetItemsProcessed(st.iterations() * n);
}
BENCHMARK(pingpong_unbuffered)->UseManualTime()->Unit(benchmark::kMicrosecond);
#endif

#if LG_BENCH_VERIFY
static void verify_none(benchmark::State& st) {
  for (auto _ : st) leakguard::verify_none();
}
BENCHMARK(verify_none)->Unit(benchmark::kMicrosecond);

#if LG_BENCH_HAVE_LEAKGUARD
static void verify_none_4blocked(benchmark::State& st) {
  leakguard::channel<long> ch(0);
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i) ts.emplace_back([&] { (void)ch.pop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let them block
  const auto opts = leakguard::ignore_current();
  for (auto _ : st) leakguard::verify_none(opts);
  ch.close();
  for (auto& t : ts) t.join();
}
BENCHMARK(verify_none_4blocked)->Unit(benchmark::kMicrosecond);
#endif
#endif

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("tracking", LEAKGUARD_NO_TRACKING ? "compiled out" : "on");
#if LG_BENCH_VERIFY
  benchmark::AddCustomContext("runtime_mode", leakguard::status().mode);
#endif
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
