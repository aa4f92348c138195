// boundedmap: the seed's exercise - a parallel map with at most `limit`
// calls in flight, results in input order (index-addressed slots), and a
// deadline that ends it with deadline_exceeded.
#include <leakguard/bounded_map.hpp>
#include <leakguard/context.hpp>
#include <leakguard/sleep.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using namespace std::chrono_literals;

int main() {
  const std::vector<std::string> words = {"channel", "select", "context", "errgroup",
                                          "semaphore", "pipeline", "ticker"};
  auto r = leakguard::bounded_map(leakguard::background(), words, 3,
                                  [](const std::string& w) { return w.size(); });
  std::printf("lengths (input order):");
  for (std::size_t n : r.values()) std::printf(" %zu", n);
  std::printf("\n");

  // Deadline: every call waits far longer than the context allows.
  auto [ctx, cancel] = leakguard::with_timeout(leakguard::background(), 20ms);
  auto slow = leakguard::bounded_map(ctx, words, 2, [](const std::string& w, std::stop_token st) {
    leakguard::sleep_for(1h, st);
    return w.size();
  });
  std::size_t missing = 0;
  for (const auto& s : slow.slots) missing += !s.has_value();
  std::printf("with a 20ms deadline: %s (%s)\n", slow.error.message().c_str(),
              missing > 0 ? "unfinished slots stay empty" : "all finished?");
  return 0;
}
