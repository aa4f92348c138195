// bench/sweep.cpp - the semaphore-limit sweep: the same batch of tasks run at
// concurrency limits 1, 2, 4, 8, 16, 32, 64, for three kinds of task:
//
//   sleep   I/O-bound: std::this_thread::sleep_for(2 ms)
//   socket  I/O-bound over loopback TCP: connect, send 16 bytes, read the
//           16-byte reply, close. The server answers after 1 ms of simulated
//           back-end work and serves at most 8 requests at a time (8 accept
//           threads) - a downstream with finite capacity, where the limit
//           matters.
//   cpu     CPU-bound: a fixed ~1 ms arithmetic loop (this machine has
//           std::thread::hardware_concurrency() cores).
//
// Concurrency is capped by task_group::set_limit (--impl=task_group: go()
// waits for a free slot, one thread per task) and by bounded_map
// (--impl=bounded_map: `limit` workers pull the inputs); the default
// --impl=all runs both, interleaved limit by limit. --impl=semaphore is the
// fallback when neither exists: a semaphore plus one thread per task
// (leakguard::semaphore when present, else std::counting_semaphore). Per
// task it records the latency from the moment it holds its slot to its end;
// per limit the wall time of the batch.
//
// Output (CSV, one row per workload and limit):
//   workload,impl,limit,tasks,seconds,throughput_per_s,p50_ms,p99_ms,max_ms
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

#if __has_include(<leakguard/semaphore.hpp>)
#include <leakguard/semaphore.hpp>
#define LG_SWEEP_LG_SEMAPHORE 1
#else
#define LG_SWEEP_LG_SEMAPHORE 0
#endif
#if __has_include(<leakguard/task_group.hpp>)
#include <leakguard/task_group.hpp>
#define LG_SWEEP_TASK_GROUP 1
#else
#define LG_SWEEP_TASK_GROUP 0
#endif
#if __has_include(<leakguard/bounded_map.hpp>)
#include <leakguard/bounded_map.hpp>
#define LG_SWEEP_BOUNDED_MAP 1
#else
#define LG_SWEEP_BOUNDED_MAP 0
#endif

namespace {

using clock_t_ = std::chrono::steady_clock;

// ------------------------------------------------------------------ tasks --

void sleep_task() { std::this_thread::sleep_for(std::chrono::milliseconds(2)); }

std::atomic<std::uint64_t> cpu_sink{0};
void cpu_task() {
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 600000; ++i) {  // ~1 ms on a 2020s x86 core
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  cpu_sink.fetch_add(x, std::memory_order_relaxed);
}

constexpr int server_workers = 8;
constexpr auto server_work = std::chrono::milliseconds(1);

class loopback_server {
 public:
  loopback_server() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 4096) != 0) {
      std::perror("sweep: bind/listen");
      std::exit(1);
    }
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    for (int i = 0; i < server_workers; ++i) workers_.emplace_back([this] { serve(); });
  }
  ~loopback_server() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);  // wakes the threads blocked in accept
    for (auto& t : workers_) t.join();
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }

 private:
  void serve() {
    while (!stop_) {
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) {
        if (stop_) return;
        continue;
      }
      char buf[16];
      std::size_t got = 0;
      while (got < sizeof buf) {
        ssize_t r = ::read(c, buf + got, sizeof buf - got);
        if (r <= 0) break;
        got += static_cast<std::size_t>(r);
      }
      std::this_thread::sleep_for(server_work);
      if (got == sizeof buf) (void)!::write(c, buf, sizeof buf);
      ::close(c);
    }
  }
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> workers_;
};

std::uint16_t server_port = 0;

void socket_task() {
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(server_port);
  if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    std::perror("sweep: connect");
    ::close(s);
    return;
  }
  char buf[16] = "leakguard-sweep";
  (void)!::write(s, buf, sizeof buf);
  std::size_t got = 0;
  while (got < sizeof buf) {
    ssize_t r = ::read(s, buf + got, sizeof buf - got);
    if (r <= 0) break;
    got += static_cast<std::size_t>(r);
  }
  ::close(s);
}

// ------------------------------------------------------------- the runner --

struct result {
  double seconds = 0;
  std::vector<double> latency_ms;
};

// Runs `tasks` copies of `task` with at most `limit` running at once.
// `timed` wraps the task with the per-task latency measurement.
result run_semaphore(int limit, int tasks, const std::function<void()>& task) {
  result r;
  r.latency_ms.resize(static_cast<std::size_t>(tasks));
#if LG_SWEEP_LG_SEMAPHORE
  leakguard::semaphore sem(limit);
#else
  std::counting_semaphore<> sem(limit);
#endif
  std::vector<std::thread> ts;
  ts.reserve(static_cast<std::size_t>(tasks));
  const auto t0 = clock_t_::now();
  for (int i = 0; i < tasks; ++i) {
    sem.acquire();
    ts.emplace_back([&, i] {
      const auto s = clock_t_::now();
      task();
      r.latency_ms[static_cast<std::size_t>(i)] =
          std::chrono::duration<double, std::milli>(clock_t_::now() - s).count();
      sem.release();
    });
  }
  for (auto& t : ts) t.join();
  r.seconds = std::chrono::duration<double>(clock_t_::now() - t0).count();
  return r;
}

#if LG_SWEEP_TASK_GROUP
result run_task_group(int limit, int tasks, const std::function<void()>& task) {
  result r;
  r.latency_ms.resize(static_cast<std::size_t>(tasks));
  const auto t0 = clock_t_::now();
  {
    leakguard::task_group g;
    g.set_limit(limit);
    for (int i = 0; i < tasks; ++i)
      g.go([&, i] {
        const auto s = clock_t_::now();
        task();
        r.latency_ms[static_cast<std::size_t>(i)] =
            std::chrono::duration<double, std::milli>(clock_t_::now() - s).count();
      });
    (void)g.wait();
  }
  r.seconds = std::chrono::duration<double>(clock_t_::now() - t0).count();
  return r;
}
#endif

#if LG_SWEEP_BOUNDED_MAP
// bounded_map: `limit` workers pull the inputs in order; fn returns the
// task's latency, which lands in the input's slot.
result run_bounded_map(int limit, int tasks, const std::function<void()>& task) {
  result r;
  std::vector<int> inputs(static_cast<std::size_t>(tasks));
  const auto t0 = clock_t_::now();
  auto m = leakguard::bounded_map(leakguard::background(), inputs, static_cast<std::size_t>(limit),
                                  [&](const int&) {
                                    const auto s = clock_t_::now();
                                    task();
                                    return std::chrono::duration<double, std::milli>(
                                               clock_t_::now() - s)
                                        .count();
                                  });
  r.seconds = std::chrono::duration<double>(clock_t_::now() - t0).count();
  for (auto& v : m.slots) r.latency_ms.push_back(v.value_or(0));
  return r;
}
#endif

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double k = p * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(k));
  const auto hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (k - static_cast<double>(lo));
}

}  // namespace

int main(int argc, char** argv) {
  std::string impl = "all", out;
  double scale = 1.0;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--impl=", 0) == 0) impl = a.substr(7);
    else if (a.rfind("--out=", 0) == 0) out = a.substr(6);
    else if (a.rfind("--scale=", 0) == 0) scale = std::atof(a.c_str() + 8);
    else if (a.rfind("--only=", 0) == 0) only = a.substr(7);
    else {
      std::cerr << "usage: bench_sweep [--impl=all|semaphore|task_group|bounded_map] [--out=FILE.csv] "
                   "[--scale=F] [--only=sleep|socket|cpu]\n";
      return 2;
    }
  }
  std::vector<std::string> impls;
  if (impl == "all") {
    if (LG_SWEEP_TASK_GROUP) impls.push_back("task_group");
    if (LG_SWEEP_BOUNDED_MAP) impls.push_back("bounded_map");
    if (impls.empty()) impls.push_back("semaphore");
  } else {
    impls.push_back(impl);
  }
  for (const std::string& i : impls)
    if ((i == "task_group" && !LG_SWEEP_TASK_GROUP) || (i == "bounded_map" && !LG_SWEEP_BOUNDED_MAP) ||
        (i != "task_group" && i != "bounded_map" && i != "semaphore")) {
      std::cerr << "bench_sweep: implementation '" << i << "' not available\n";
      return 2;
    }
  auto impl_name = [](const std::string& i) -> std::string {
    if (i == "task_group") return "task_group::set_limit";
    if (i == "bounded_map") return "bounded_map";
    return LG_SWEEP_LG_SEMAPHORE ? "leakguard::semaphore+threads" : "std::counting_semaphore+threads";
  };

  loopback_server server;
  server_port = server.port();

  struct workload {
    const char* name;
    void (*fn)();
    int tasks;
  };
  auto n = [&](int base) { return std::max(8, static_cast<int>(std::lround(base * scale))); };
  const workload workloads[] = {
      {"sleep", sleep_task, n(256)},
      {"socket", socket_task, n(256)},
      {"cpu", cpu_task, n(128)},
  };

  std::ofstream file;
  if (!out.empty()) file.open(out);
  std::ostream& os = out.empty() ? std::cout : file;
  os << "workload,impl,limit,tasks,seconds,throughput_per_s,p50_ms,p99_ms,max_ms\n";
  for (const auto& w : workloads) {
    if (!only.empty() && only != w.name) continue;
    for (int limit : {1, 2, 4, 8, 16, 32, 64}) {
      for (const std::string& i : impls) {
        result r;
#if LG_SWEEP_TASK_GROUP
        if (i == "task_group") r = run_task_group(limit, w.tasks, w.fn);
#endif
#if LG_SWEEP_BOUNDED_MAP
        if (i == "bounded_map") r = run_bounded_map(limit, w.tasks, w.fn);
#endif
        if (i == "semaphore") r = run_semaphore(limit, w.tasks, w.fn);
        char line[256];
        std::snprintf(line, sizeof line, "%s,%s,%d,%d,%.6f,%.2f,%.4f,%.4f,%.4f\n", w.name,
                      impl_name(i).c_str(), limit, w.tasks, r.seconds, w.tasks / r.seconds,
                      percentile(r.latency_ms, 0.5), percentile(r.latency_ms, 0.99),
                      percentile(r.latency_ms, 1.0));
        os << line << std::flush;
        if (!out.empty()) std::cerr << "sweep " << line;
      }
    }
  }
  return 0;
}
