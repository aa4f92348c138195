// semaphore: the seed's exercise - a memory budget shared by downloads of
// different sizes (a weighted semaphore), with cancellation. Acquire, then
// defer the release at once.
#include <leakguard/context.hpp>
#include <leakguard/defer.hpp>
#include <leakguard/task_group.hpp>
#include <leakguard/weighted_semaphore.hpp>

#include <atomic>
#include <cstdio>
#include <vector>

int main() {
  constexpr int kBudget = 10;  // "MiB"
  const std::vector<int> sizes = {4, 3, 6, 2, 5, 1, 7, 3};
  leakguard::weighted_semaphore budget(kBudget);
  std::atomic<int> in_use{0}, peak{0}, downloaded{0};

  leakguard::task_group g;
  for (int size : sizes)
    g.go([&, size](std::stop_token st) -> std::error_code {
      if (!budget.acquire(size, st)) return leakguard::errc::canceled;
      leakguard::defer release([&] { budget.release(size); });
      const int now = in_use += size;
      int p = peak.load();
      while (now > p && !peak.compare_exchange_weak(p, now)) {
      }
      downloaded += size;
      in_use -= size;
      return {};
    });
  const std::error_code ec = g.wait();
  std::printf("downloads: %zu, total %d MiB, result: %s\n", sizes.size(), downloaded.load(),
              ec ? ec.message().c_str() : "ok");
  std::printf("budget of %d MiB never exceeded: %s\n", kBudget, peak.load() <= kBudget ? "yes" : "no");

  // A request larger than what is left waits; cancelling gives up cleanly.
  auto [ctx, cancel] = leakguard::with_cancel(leakguard::background());
  if (!budget.acquire(kBudget, ctx)) return 1;  // take everything (at once)
  leakguard::defer release_all([&] { budget.release(kBudget); });
  cancel();
  if (budget.acquire(1, ctx)) {
    leakguard::defer release_one([&] { budget.release(1); });
    std::printf("acquire(1) after cancel: granted\n");
  } else {
    std::printf("acquire(1) after cancel: cancelled\n");
  }
  return 0;
}
