// The crawler over real HTTP on loopback: a generated site of a few hundred
// linked pages; every reachable page fetched exactly once; limits; SIGINT
// mid-crawl ends cleanly within a bound with no thread left behind.
#include <leakguard/leakcheck.hpp>
#include <leakguard/signal_context.hpp>

#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>

#include "crawler.hpp"
#include "site.hpp"

using namespace std::chrono_literals;

namespace {

leakguard::leak_options after_site() {
  // The site's server threads belong to the test, not to the crawler.
  return leakguard::ignore_current().max_wait(5s);
}

TEST(Crawler, FetchesEveryReachablePageExactlyOnce) {
  constexpr int kPages = 300;
  crawler_test::site site(kPages);
  const auto base = after_site();
  crawler::options o;
  o.workers = 8;
  o.rate = leakguard::rate_limiter::unlimited;
  o.max_depth = 1000;
  o.max_pages = 10000;
  const crawler::summary s = crawler::crawl(leakguard::background(), site.url(0), o);
  EXPECT_FALSE(s.interrupted);
  EXPECT_EQ(s.fetched, static_cast<std::size_t>(kPages));
  EXPECT_EQ(s.failed, 0u);
  EXPECT_EQ(s.pages.size(), static_cast<std::size_t>(kPages));
  const auto hits = site.hits();
  EXPECT_EQ(hits.size(), static_cast<std::size_t>(kPages));
  for (const auto& [path, n] : hits) EXPECT_EQ(n, 1) << path;
  const leakguard::leak_report r = leakguard::find_leaks(base);
  EXPECT_TRUE(r.empty()) << r.text();
}

TEST(Crawler, PageAndDepthLimits) {
  crawler_test::site site(300);
  crawler::options o;
  o.workers = 4;
  o.rate = leakguard::rate_limiter::unlimited;
  o.max_pages = 50;
  o.max_depth = 1000;
  crawler::summary s = crawler::crawl(leakguard::background(), site.url(0), o);
  EXPECT_EQ(s.fetched, 50u);
  EXPECT_GT(s.skipped, 0u);

  o.max_pages = 1000;
  o.max_depth = 1;  // page 0 and what it links to: 1, 2, 3
  s = crawler::crawl(leakguard::background(), site.url(0), o);
  EXPECT_EQ(s.fetched, 4u);
}

TEST(Crawler, RateLimitPacesRequests) {
  crawler_test::site site(40);
  crawler::options o;
  o.workers = 8;
  o.rate = 200.0;  // 5 ms apart after a burst of 4
  o.burst = 4;
  o.max_depth = 1000;
  const auto start = std::chrono::steady_clock::now();
  const crawler::summary s = crawler::crawl(leakguard::background(), site.url(0), o);
  EXPECT_EQ(s.fetched, 40u);
  // 36 requests beyond the burst at 200/s take at least ~180 ms.
  EXPECT_GE(std::chrono::steady_clock::now() - start, 170ms);
}

TEST(Crawler, SigintMidCrawlEndsCleanlyWithinABound) {
  constexpr int kPages = 300;
  crawler_test::site site(kPages, 5ms);  // slow pages: the crawl takes a while
  const auto base = after_site();
  std::chrono::steady_clock::time_point signalled{};
  {
    leakguard::signal_context sig({SIGINT, SIGTERM});
    crawler::options o;
    o.workers = 4;
    o.rate = leakguard::rate_limiter::unlimited;
    o.max_depth = 1000;
    o.progress = [&](std::size_t done, std::size_t) {
      if (done == 20) {
        signalled = std::chrono::steady_clock::now();
        ::kill(::getpid(), SIGINT);  // as Ctrl-C would
      }
    };
    const crawler::summary s = crawler::crawl(sig.context(), site.url(0), o);
    const auto took = std::chrono::steady_clock::now() - signalled;
    EXPECT_TRUE(s.interrupted);
    EXPECT_EQ(sig.signal(), SIGINT);
    EXPECT_GE(s.fetched, 20u);
    EXPECT_LT(s.fetched, static_cast<std::size_t>(kPages));
    EXPECT_LT(took, 5s);  // in-flight fetches finish, nothing waits for the rest
    for (const auto& [path, n] : site.hits()) EXPECT_EQ(n, 1) << path;
  }
  const leakguard::leak_report r = leakguard::find_leaks(base);
  EXPECT_TRUE(r.empty()) << r.text();
}

TEST(Crawler, ExtractLinksKeepsSameOriginOnly) {
  const auto links = crawler::extract_links(
      "http://h:1", R"(<a href="/a">x</a><a href="http://h:1/b#frag"></a><a href="http://o/c"></a>)");
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0], "http://h:1/a");
  EXPECT_EQ(links[1], "http://h:1/b");
}

}  // namespace
