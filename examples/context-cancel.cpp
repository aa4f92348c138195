// context-cancel: the seed's Day 075 - cancellation, deadlines and
// propagation with leakguard::context.
#include <leakguard/context.hpp>
#include <leakguard/go.hpp>
#include <leakguard/sleep.hpp>

#include <chrono>
#include <cstdio>
#include <string>

using namespace std::chrono_literals;

// Slow work that honours its context: it gives up when ctx is done.
std::string slow_work(const leakguard::context& ctx) {
  if (!leakguard::sleep_for(1h, ctx)) return "stopped: " + ctx.err().message();
  return "finished";
}

int main() {
  // 1. A deadline.
  {
    auto [ctx, cancel] = leakguard::with_timeout(leakguard::background(), 20ms);
    std::printf("with_timeout: %s\n", slow_work(ctx).c_str());
  }
  // 2. Explicit cancel from another thread.
  {
    auto [ctx, cancel] = leakguard::with_cancel(leakguard::background());
    std::string result;
    auto worker = leakguard::go([&result, ctx = ctx] { result = slow_work(ctx); });
    cancel();
    worker.join();
    std::printf("with_cancel: %s\n", result.c_str());
  }
  // 3. Propagation: cancelling a parent cancels every child; a child's
  // cancel does not touch the parent.
  {
    auto [parent, cancel_parent] = leakguard::with_cancel(leakguard::background());
    auto [child, cancel_child] = leakguard::with_timeout(parent, 1h);
    auto [sibling, cancel_sibling] = leakguard::with_cancel(parent);
    cancel_sibling();
    std::printf("sibling cancelled, parent done: %s\n", parent.done() ? "yes" : "no");
    cancel_parent();
    std::printf("parent cancelled, child: %s\n", child.err().message().c_str());
  }
  return 0;
}
