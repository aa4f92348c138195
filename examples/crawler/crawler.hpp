// crawler.hpp - the seed's Week 4 mini-project: a concurrent web crawler.
//
//   leakguard::signal_context sig({SIGINT, SIGTERM});
//   crawler::options o{.workers = 8, .rate = 50, .max_depth = 3, .max_pages = 500};
//   crawler::summary s = crawler::crawl(sig.context(), "http://127.0.0.1:8080/", o);
//
// Architecture (the seed's rules):
//  * Single-owner de-duplication: the calling thread is the coordinator and
//    the ONLY owner of the seen-set and the frontier - no mutex. It talks to
//    the workers only through two channels: `tasks` (coordinator -> workers;
//    the coordinator is its only sender and closes it, once) and the
//    results channel (workers -> coordinator; owned and closed once by the
//    worker stage, leakguard::start_workers, after the last worker ended).
//  * A bounded worker pool: `workers` threads fetch pages.
//  * A per-host rate limit (leakguard::rate_limiter per host, rate/s with a
//    small burst) caps how often; the pool size caps how many at once.
//  * Depth and page limits are applied by the coordinator when it schedules.
//  * Graceful shutdown: when ctx is cancelled (SIGINT/SIGTERM through
//    signal_context) the coordinator stops scheduling and closes `tasks`;
//    fetches in flight finish (each has a short network timeout) or are
//    cancelled while waiting for the rate limiter; every thread is joined
//    before crawl() returns, and the summary says it was interrupted.
#pragma once

#include <leakguard/channel.hpp>
#include <leakguard/context.hpp>
#include <leakguard/pipeline.hpp>
#include <leakguard/rate_limiter.hpp>
#include <leakguard/select.hpp>
#include <leakguard/worker_pool.hpp>

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace crawler {

struct options {
  std::size_t workers = 8;
  double rate = 100.0;        // requests per second per host (rate_limiter::unlimited = none)
  std::size_t burst = 4;      // per-host burst
  int max_depth = 3;          // links followed from the start page
  std::size_t max_pages = 1000;
  std::chrono::milliseconds timeout{2000};  // per-request connect/read timeout
  // Called by the coordinator after each page (fetched, total scheduled).
  std::function<void(std::size_t, std::size_t)> progress = {};
};

struct summary {
  std::size_t fetched = 0;   // pages fetched with status 200
  std::size_t failed = 0;    // network errors or non-200 statuses
  std::size_t skipped = 0;   // links not scheduled: page limit reached
  std::vector<std::string> pages;  // URLs fetched, in completion order
  bool interrupted = false;  // ctx was done before the crawl finished
};

struct url_parts {
  std::string scheme_host;  // "http://host:port"
  std::string path;         // "/a/b"
};

// Only absolute http:// URLs; nullopt for anything else.
inline std::optional<url_parts> split_url(const std::string& url) {
  const std::string prefix = "http://";
  if (url.rfind(prefix, 0) != 0) return std::nullopt;
  const std::size_t slash = url.find('/', prefix.size());
  if (slash == std::string::npos) return url_parts{url, "/"};
  return url_parts{url.substr(0, slash), url.substr(slash)};
}

// href="..." targets of a page, resolved against its origin; only links to
// the same origin (absolute paths or same-origin URLs) are kept.
inline std::vector<std::string> extract_links(const std::string& origin, const std::string& body) {
  std::vector<std::string> links;
  const std::string key = "href=\"";
  for (std::size_t pos = body.find(key); pos != std::string::npos; pos = body.find(key, pos)) {
    pos += key.size();
    const std::size_t end = body.find('"', pos);
    if (end == std::string::npos) break;
    std::string href = body.substr(pos, end - pos);
    if (const std::size_t hash = href.find('#'); hash != std::string::npos) href.resize(hash);
    if (!href.empty() && href[0] == '/') {
      links.push_back(origin + href);
    } else if (auto p = split_url(href); p && p->scheme_host == origin) {
      links.push_back(href);
    }
    pos = end;
  }
  return links;
}

namespace detail {

struct task {
  std::string url;
  int depth = 0;
};

struct page {
  std::string url;
  int depth = 0;
  int status = 0;  // HTTP status, 0 = network error or cancelled
  std::vector<std::string> links;
};

// One rate_limiter per host, created on first use. (The limiters are
// thread-safe; the mutex only guards the map.)
class host_limits {
 public:
  host_limits(double rate, std::size_t burst) : rate_(rate), burst_(burst) {}
  leakguard::rate_limiter& of(const std::string& host) {
    std::lock_guard lk(mu_);
    auto& slot = limits_[host];
    if (!slot) slot = std::make_unique<leakguard::rate_limiter>(rate_, burst_);
    return *slot;
  }

 private:
  double rate_;
  std::size_t burst_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<leakguard::rate_limiter>> limits_;
};

inline page fetch(const task& t, host_limits& limits, const options& o,
                  const leakguard::context& ctx) {
  page p{t.url, t.depth, 0, {}};
  const auto parts = split_url(t.url);
  if (!parts) return p;
  if (limits.of(parts->scheme_host).wait(ctx)) return p;  // cancelled while waiting
  httplib::Client cli(parts->scheme_host);
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(o.timeout);
  const auto usecs = std::chrono::duration_cast<std::chrono::microseconds>(o.timeout - secs);
  cli.set_connection_timeout(secs.count(), usecs.count());
  cli.set_read_timeout(secs.count(), usecs.count());
  if (auto res = cli.Get(parts->path)) {
    p.status = res->status;
    if (res->status == 200) p.links = extract_links(parts->scheme_host, res->body);
  }
  return p;
}

}  // namespace detail

// Crawls from `start` until every reachable page within the limits was
// fetched, or ctx is done. Blocks the caller (the coordinator); leaves no
// thread behind.
inline summary crawl(const leakguard::context& ctx, const std::string& start, const options& o) {
  using detail::page;
  using detail::task;
  summary s;
  detail::host_limits limits(o.rate, o.burst);
  // Workers run under their own child context: cancelling ctx cancels them.
  auto [work_ctx, cancel_work] = leakguard::with_cancel(ctx);
  leakguard::channel<task> tasks;  // the coordinator sends and closes
  auto results = leakguard::start_workers(
      work_ctx, o.workers == 0 ? 1 : o.workers, tasks,
      [&limits, &o, wctx = work_ctx](task t) { return detail::fetch(t, limits, o, wctx); });

  std::unordered_set<std::string> seen;  // owned by this thread only
  std::deque<task> frontier;
  std::size_t in_flight = 0, scheduled = 0;
  auto schedule = [&](std::string url, int depth) {
    if (depth > o.max_depth || seen.count(url)) return;
    if (scheduled >= o.max_pages) {
      ++s.skipped;
      return;
    }
    seen.insert(url);
    ++scheduled;
    frontier.push_back(task{std::move(url), depth});
  };
  auto absorb = [&](page p) {
    --in_flight;
    if (p.status == 200) {
      ++s.fetched;
      s.pages.push_back(p.url);
      for (std::string& l : p.links) schedule(std::move(l), p.depth + 1);
    } else {
      ++s.failed;
    }
    if (o.progress) o.progress(s.fetched + s.failed, scheduled);
  };

  schedule(start, 0);
  const std::stop_token st = ctx.token();
  while (!frontier.empty() || in_flight > 0) {
    std::optional<page> got;
    leakguard::select_result r;
    if (!frontier.empty()) {
      task next = frontier.front();
      r = leakguard::select(st, leakguard::send_case(tasks, std::move(next)),
                            leakguard::recv_case(results.out(), got));
      if (r && r.index == 0 && r.status == leakguard::op_status::delivered) {
        frontier.pop_front();
        ++in_flight;
        continue;
      }
    } else {
      auto v = results.out().pop(st);
      if (v) got = std::move(*v);
      r.index = v ? 1 : leakguard::select_result::none;
    }
    if (!got) break;  // stopped (ctx done) - or the results closed unexpectedly
    absorb(std::move(*got));
  }
  s.interrupted = ctx.done();
  tasks.close();   // the only sender closes, once: workers finish and exit
  cancel_work();   // on interrupt: stop rate-limiter waits and pending sends
  results.join();  // every worker and the closer have ended
  return s;
}

}  // namespace crawler
