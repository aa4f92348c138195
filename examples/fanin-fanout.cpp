// fanin-fanout: the seed's Day 072 - fan out one channel over N workers,
// fan their outputs back in with merge (one closer, after all forwarders).
#include <leakguard/context.hpp>
#include <leakguard/merge.hpp>
#include <leakguard/pipeline.hpp>

#include <algorithm>
#include <cstdio>
#include <vector>

int main() {
  auto ctx = leakguard::background();
  auto nums = leakguard::generate(ctx, std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  // Fan-out: 3 workers read `nums`, each sends squares on its own output.
  auto squares = leakguard::fan_out(ctx, nums, 3, [](int v) { return v * v; });
  // Fan-in: merge closes its output once, after every input is drained.
  auto merged = leakguard::merge(ctx, squares);
  std::vector<int> got = leakguard::collect(ctx, merged);
  std::sort(got.begin(), got.end());
  int sum = 0;
  std::printf("squares:");
  for (int v : got) {
    std::printf(" %d", v);
    sum += v;
  }
  std::printf("\nworkers: %zu, values: %zu, sum: %d\n", squares.outputs(), got.size(), sum);
  return 0;
}
