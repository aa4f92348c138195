// crawler: crawl a site with a bounded worker pool, a per-host rate limit,
// depth/page limits and graceful shutdown on SIGINT/SIGTERM.
//
//   crawler [--workers N] [--rate R] [--burst B] [--depth D] [--pages P] URL
//
// Ctrl-C stops scheduling, lets in-flight fetches finish (or cancels their
// rate-limit wait), joins every thread and prints the summary.
#include <leakguard/signal_context.hpp>

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "crawler.hpp"

namespace {
int usage() {
  std::fprintf(stderr,
               "usage: crawler [--workers N] [--rate R] [--burst B] [--depth D] [--pages P] URL\n");
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
  crawler::options o;
  std::string start;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--workers" && (v = value())) o.workers = std::strtoul(v, nullptr, 10);
    else if (a == "--rate" && (v = value())) o.rate = std::strtod(v, nullptr);
    else if (a == "--burst" && (v = value())) o.burst = std::strtoul(v, nullptr, 10);
    else if (a == "--depth" && (v = value())) o.max_depth = std::atoi(v);
    else if (a == "--pages" && (v = value())) o.max_pages = std::strtoul(v, nullptr, 10);
    else if (!a.empty() && a[0] != '-' && start.empty()) start = a;
    else return usage();
  }
  if (start.empty() || !crawler::split_url(start)) return usage();

  const bool tty = ::isatty(STDERR_FILENO) == 1;
  if (tty)
    o.progress = [](std::size_t done, std::size_t scheduled) {
      std::fprintf(stderr, "\r%zu / %zu pages", done, scheduled);
    };

  leakguard::signal_context sig({SIGINT, SIGTERM});
  const crawler::summary s = crawler::crawl(sig.context(), start, o);
  if (tty) std::fprintf(stderr, "\n");
  std::printf("fetched %zu pages, %zu failed, %zu skipped (page limit)%s\n", s.fetched, s.failed,
              s.skipped, s.interrupted ? ", interrupted" : "");
  if (s.interrupted && sig.signal())
    std::printf("stopped by signal %d (%s)\n", sig.signal(), strsignal(sig.signal()));
  return s.interrupted ? 130 : 0;
}
