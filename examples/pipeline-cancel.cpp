// pipeline-cancel: the seed's Day 073 - an endless generator feeding two
// stages; the consumer takes what it needs and cancels. Every stage's send
// is stop-aware, so nothing stays blocked, and the leak tracker agrees.
#include <leakguard/context.hpp>
#include <leakguard/leakcheck.hpp>
#include <leakguard/pipeline.hpp>

#include <cstdio>

int main() {
  const auto baseline = leakguard::ignore_current();
  {
    auto [ctx, cancel] = leakguard::with_cancel(leakguard::background());
    auto naturals = leakguard::generate<int>(ctx, [](leakguard::emitter<int>& emit) {
      for (int i = 1;; ++i)
        if (!emit(i)) return;  // cancelled: stop producing
    });
    auto squares = leakguard::transform(ctx, naturals, [](int v) { return v * v; });
    auto odd = leakguard::transform(ctx, squares, [](int v) -> std::optional<int> {
      if (v % 2 == 0) return std::nullopt;
      return v;
    });
    int taken = 0;
    leakguard::sink(ctx, odd, [&](int v) {
      std::printf("%d ", v);
      return ++taken < 5;  // the consumer quits early...
    });
    std::printf("\n");
    cancel();  // ...and cancels: every stage unblocks and closes its output
    odd.join();
    squares.join();
    naturals.join();
    std::printf("took %d odd squares, then cancelled\n", taken);
    std::printf("outputs closed: %s\n",
                naturals.out().is_closed() && squares.out().is_closed() && odd.out().is_closed()
                    ? "yes"
                    : "no");
    std::printf("context: %s\n", ctx.err().message().c_str());
  }
  leakguard::leak_report r = leakguard::find_leaks(baseline);
  std::printf("threads left behind: %zu\n", r.threads.size());
  return r.empty() ? 0 : 1;
}
