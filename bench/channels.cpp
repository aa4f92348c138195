// bench/channels.cpp - leakguard::channel side by side with Boost.Fiber
// buffered_channel, oneTBB concurrent_bounded_queue, moodycamel
// BlockingConcurrentQueue and a std::mutex + std::condition_variable queue,
// on the workloads of workloads.hpp. bench/go/main.go runs the same workloads
// on Go channels; bench/summarize.py puts the two side by side.
//
// Benchmark names: <workload>/<impl>, workload one of
//   pingpong            unbuffered round trip (2 threads); pingpong/cacheline_floor
//                       is the same round trip with two bare atomics (no queue)
//   spsc_cap{1,64,1024} 1 producer -> 1 consumer
//   mpmc_cap{1,64,1024} 4 producers -> 4 consumers
//   close_drain_cap64   1 producer -> 4 consumers, close, drain
// items_per_second is round trips/s for pingpong, values/s otherwise.
//
// LG_BENCH_SCALE (environment, default 1) scales the items per iteration
// (bench/run.sh --quick uses 0.05).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "peers.hpp"
#include "workloads.hpp"

namespace {

double scale() {
  static const double s = [] {
    const char* e = std::getenv("LG_BENCH_SCALE");
    return e ? std::atof(e) : 1.0;
  }();
  return s;
}

// Items per benchmark iteration; bench/go/main.go has the same table.
long items(long base) {
  long n = static_cast<long>(std::llround(static_cast<double>(base) * scale()));
  n -= n % 4;
  return n < 4 ? 4 : n;
}
constexpr long pingpong_rounds = 20000;
constexpr long transfer_items_cap1 = 40000;
constexpr long transfer_items = 200000;
constexpr long drain_items = 200000;

template <class Q>
void reg(const std::string& workload, long n, double (*fn)(long, std::size_t), std::size_t cap) {
  benchmark::RegisterBenchmark((workload + "/" + Q::name).c_str(),
                               [n, fn, cap](benchmark::State& st) {
                                 for (auto _ : st) st.SetIterationTime(fn(n, cap));
                                 st.SetItemsProcessed(st.iterations() * n);
                               })
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
}

// Registered workload by workload, every queue in turn, so that drift in the
// machine's load hits all queues of one workload alike.
template <class... Qs>
void register_all() {
  // Right before the ping-pong rows, so both see the same vCPU placement.
  benchmark::RegisterBenchmark("pingpong/cacheline_floor",
                               [n = items(pingpong_rounds * 10)](benchmark::State& st) {
                                 for (auto _ : st) st.SetIterationTime(lgbench::cacheline_round_trips(n));
                                 st.SetItemsProcessed(st.iterations() * n);
                               })
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
  (reg<Qs>("pingpong", items(pingpong_rounds),
           [](long n, std::size_t) { return lgbench::pingpong<Qs>(n); }, 0), ...);
  for (std::size_t cap : {1, 64, 1024}) {
    const long n = items(cap == 1 ? transfer_items_cap1 : transfer_items);
    (reg<Qs>("spsc_cap" + std::to_string(cap), n,
             [](long k, std::size_t c) { return lgbench::transfer<Qs>(1, 1, c, k); }, cap), ...);
  }
  for (std::size_t cap : {1, 64, 1024}) {
    const long n = items(cap == 1 ? transfer_items_cap1 : transfer_items);
    (reg<Qs>("mpmc_cap" + std::to_string(cap), n,
             [](long k, std::size_t c) { return lgbench::transfer<Qs>(4, 4, c, k); }, cap), ...);
  }
  (reg<Qs>("close_drain_cap64", items(drain_items),
           [](long n, std::size_t c) { return lgbench::close_drain<Qs>(4, c, n); }, 64), ...);
}

}  // namespace

int main(int argc, char** argv) {
  register_all<
#if LG_BENCH_HAVE_LEAKGUARD
      lgbench::leakguard_q,
#endif
#if defined(LG_BENCH_HAVE_BOOST_FIBER)
      lgbench::boost_fiber_q,
#endif
#if defined(LG_BENCH_HAVE_TBB)
      lgbench::tbb_q,
#endif
#if defined(LG_BENCH_HAVE_MOODYCAMEL)
      lgbench::moodycamel_q, lgbench::moodycamel_unbounded_q,
#endif
      lgbench::mutex_cv_q>();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("leakguard_channel", LG_BENCH_HAVE_LEAKGUARD ? "yes" : "missing");
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
