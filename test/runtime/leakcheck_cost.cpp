// leakcheck_cost: the tracker's cost numbers for docs/leakcheck.md (a
// scripted run, not a unit test: `leakcheck_cost` and
// `leakcheck_cost_notrack`, the latter built with LEAKGUARD_NO_TRACKING=1).
#include <leakguard/channel.hpp>
#include <leakguard/go.hpp>
#include <leakguard/leakcheck.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
namespace lg = leakguard;
using clk = std::chrono::steady_clock;

static double ms(clk::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Uncontended buffered push+pop, ns per pair (best of 5 runs).
static double channel_pair_ns() {
  lg::channel<int> ch(1024);
  double best = 1e18;
  for (int run = 0; run < 5; ++run) {
    constexpr int n = 2'000'000;
    auto t0 = clk::now();
    long sum = 0;
    for (int i = 0; i < n; ++i) {
      ch.push(i);
      sum += *ch.pop();
    }
    auto d = clk::now() - t0;
    if (sum == 42) std::puts("");
    best = std::min(best, std::chrono::duration<double, std::nano>(d).count() / n);
  }
  return best;
}

int main() {
  std::printf("tracking compiled %s\n", LEAKGUARD_NO_TRACKING ? "out" : "in");
  std::printf("channel push+pop (cap 1024, uncontended): %.2f ns\n", channel_pair_ns());
#if !LEAKGUARD_NO_TRACKING
  {
    auto saved = lg::detail::installed_hooks.exchange(nullptr);
    std::printf("channel push+pop, runtime hooks uninstalled: %.2f ns\n", channel_pair_ns());
    lg::detail::installed_hooks.store(saved);
  }
#endif
  // verify_none on a clean process after 1000 finished tracked threads.
  for (int i = 0; i < 1000; ++i) lg::go([] {}).join();
  std::vector<double> v;
  for (int i = 0; i < 200; ++i) {
    auto t0 = clk::now();
    lg::verify_none();
    v.push_back(ms(clk::now() - t0));
  }
  std::sort(v.begin(), v.end());
  std::printf("verify_none, clean, after 1000 finished go() threads: median %.3f ms, p99 %.3f ms\n",
              v[v.size() / 2], v[v.size() * 99 / 100]);

  // 50 threads that finish within 200 ms: waited out, no report.
  {
    std::vector<std::thread> ts;
    std::mt19937 rng(1);
    for (int i = 0; i < 50; ++i) {
      auto d = std::chrono::milliseconds(rng() % 200);
      ts.emplace_back([d] { std::this_thread::sleep_for(d); });
    }
    auto t0 = clk::now();
    auto r = lg::find_leaks();
    std::printf("50 threads finishing within 200 ms: %s after %.1f ms\n",
                r.empty() ? "no report" : "FALSE REPORT", ms(clk::now() - t0));
    for (auto& t : ts) t.join();
  }
  // A leak: a running raw thread (possible: full wait) and a blocked one (definite).
  for (int round = 0; round < 2; ++round) {
    if (round == 1) std::printf("(again, debug info now loaded)\n");
    std::atomic<bool> stop{false};
    std::thread t([&] { while (!stop) std::this_thread::sleep_for(1ms); });
    auto t0 = clk::now();
    bool found = false;
    try { lg::verify_none(); } catch (const lg::leak_error&) { found = true; }
    std::printf("running leaked thread (possible leak): %s in %.1f ms\n", found ? "found" : "MISSED",
                ms(clk::now() - t0));
    stop = true;
    t.join();
  }
  {
    lg::channel<int> ch(0);
    auto g = lg::go([&] { (void)ch.pop(); });
    std::this_thread::sleep_for(5ms);
    auto t0 = clk::now();
    bool found = false;
    try { lg::verify_none(); } catch (const lg::leak_error&) { found = true; }
    std::printf("blocked leaked thread (definite leak): %s in %.1f ms\n", found ? "found" : "MISSED",
                ms(clk::now() - t0));
    ch.close();
  }
}
