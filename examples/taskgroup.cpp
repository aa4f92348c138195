// taskgroup: the seed's exercise - errgroup: first error wins, the rest are
// cancelled; set_limit bounds concurrency; try_go does not block.
#include <leakguard/context.hpp>
#include <leakguard/sleep.hpp>
#include <leakguard/task_group.hpp>

#include <chrono>
#include <cstdio>
#include <system_error>

using namespace std::chrono_literals;

int main() {
  // First error + cancel the rest.
  {
    leakguard::task_group g;
    for (int i = 0; i < 3; ++i)
      g.go([](std::stop_token st) -> std::error_code {
        if (!leakguard::sleep_for(1h, st)) return leakguard::errc::canceled;
        return {};
      });
    g.go([]() -> std::error_code { return std::make_error_code(std::errc::connection_refused); });
    const std::error_code ec = g.wait();
    std::printf("wait(): %s\n", ec.message().c_str());
    std::printf("group context after wait: %s\n", g.context().err().message().c_str());
  }
  // Exceptions are rethrown from wait().
  {
    leakguard::task_group g;
    g.go([] { throw std::runtime_error("parse error"); });
    try {
      (void)g.wait();
    } catch (const std::exception& e) {
      std::printf("wait() rethrew: %s\n", e.what());
    }
  }
  // set_limit + try_go.
  {
    auto [gate, open] = leakguard::with_cancel(leakguard::background());
    leakguard::task_group g;
    g.set_limit(2);
    int accepted = 0;
    for (int i = 0; i < 5; ++i)
      if (g.try_go([gate = gate](std::stop_token st) { gate.wait(st); })) ++accepted;
    std::printf("try_go with limit 2: %d of 5 accepted\n", accepted);
    try {
      g.set_limit(4);
    } catch (const leakguard::misuse_error&) {
      std::printf("set_limit while tasks run: refused\n");
    }
    open();
    std::printf("wait(): %s\n", g.wait() ? "error" : "ok");
  }
  return 0;
}
