// workerpool: the seed's Day 071 - N workers over a jobs channel.
//
// Two forms: results on a channel (the pool owns the results channel and
// closes it once, after every worker finished; the producer owns and closes
// jobs), and futures (submit + graceful shutdown).
#include <leakguard/channel.hpp>
#include <leakguard/context.hpp>
#include <leakguard/go.hpp>
#include <leakguard/worker_pool.hpp>

#include <algorithm>
#include <cstdio>
#include <future>
#include <vector>

int main() {
  auto ctx = leakguard::background();

  // Channel form.
  leakguard::channel<int> jobs(5);
  auto results = leakguard::start_workers(ctx, 3, jobs, [](int j) { return j * 2; });
  auto producer = leakguard::go([&jobs, ctx] {
    for (int j = 1; j <= 9; ++j)
      if (!jobs.push(j, ctx)) break;
    jobs.close();  // the only sender closes, once
  });
  // Ends when the pool closes results (after the last worker finished).
  std::vector<int> got = leakguard::collect(ctx, results);
  std::sort(got.begin(), got.end());
  std::printf("channel form: %zu results:", got.size());
  for (int r : got) std::printf(" %d", r);
  std::printf("\n");

  // Futures form.
  leakguard::worker_pool pool(3);
  std::vector<std::future<int>> futures;
  for (int j = 1; j <= 5; ++j) futures.push_back(pool.submit([j] { return j * j; }));
  pool.shutdown();  // graceful: every queued job runs, then the workers are joined
  int sum = 0;
  for (auto& f : futures) sum += f.get();
  std::printf("futures form: sum of squares 1..5 = %d\n", sum);
  return 0;
}
