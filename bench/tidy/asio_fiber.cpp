// bench/tidy/asio_fiber.cpp - a large TU for the checks' cost: the whole of
// Boost.Asio and Boost.Fiber (all their public headers), the leakguard
// library, and a little user code that uses all three, so the leakguard
// checks have something to match in the main file as well as in the headers.
//
// leakguard comes first: <boost/fiber/detail/cpu_relax.hpp> defines a
// function-like macro cpu_relax() that breaks leakguard/detail/futex.hpp's
// detail::cpu_relax() when Boost.Fiber is included before it.
#include <leakguard/leakguard.hpp>

#include <boost/asio.hpp>
#include <boost/fiber/all.hpp>

#include <chrono>
#include <cstdio>
#include <stop_token>
#include <thread>
#include <vector>

namespace demo {

// A fiber channel fed from an Asio timer, forwarded into a leakguard channel.
int asio_into_fiber_into_leakguard() {
  boost::asio::io_context io;
  boost::fibers::buffered_channel<int> fch(64);
  leakguard::channel<int> out(16);
  boost::asio::steady_timer timer(io, std::chrono::milliseconds(1));
  timer.async_wait([&](const boost::system::error_code&) {
    for (int i = 0; i < 8; ++i) fch.push(i);
    fch.close();
  });
  std::thread runner([&] { io.run(); });
  std::jthread fwd([&](std::stop_token st) {
    int v;
    while (fch.pop(v) == boost::fibers::channel_op_status::success)
      if (!out.push(v, st)) break;
    out.close();
  });
  int sum = 0;
  for (int v : out) sum += v;
  runner.join();
  return sum;
}

// Bounded concurrency over Asio's thread pool with a leakguard semaphore.
int bounded_pool() {
  boost::asio::thread_pool pool(2);
  leakguard::semaphore sem(2);
  leakguard::wait_group wg;
  std::atomic<int> done{0};
  for (int i = 0; i < 16; ++i) {
    wg.add(1);
    boost::asio::post(pool, [&] {
      leakguard::semaphore_guard g(sem);
      done.fetch_add(1);
      wg.done();
    });
  }
  wg.wait();
  pool.join();
  return done.load();
}

}  // namespace demo

int main() {
  std::printf("%d %d\n", demo::asio_into_fiber_into_leakguard(), demo::bounded_pool());
  return 0;
}
