// A generated site served over loopback for the crawler's test: pages
// /p/0 ... /p/N-1, page i linking to 2i+1, 2i+2 (a tree: everything is
// reachable from /p/0), to (7i+3) mod N, and back to /p/0 - so most pages
// are linked many times (de-duplication matters). Counts hits per path.
#pragma once

#include <httplib.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace crawler_test {

class site {
 public:
  explicit site(int pages, std::chrono::milliseconds delay = std::chrono::milliseconds(0))
      : pages_(pages), delay_(delay) {
    server_.Get(R"(/p/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      const int i = std::stoi(req.matches[1]);
      {
        std::lock_guard lk(mu_);
        ++hits_[req.path];
      }
      if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
      if (i < 0 || i >= pages_) {
        res.status = 404;
        return;
      }
      std::string body = "<html><body><h1>page " + std::to_string(i) + "</h1>";
      for (long l : {2L * i + 1, 2L * i + 2, (7L * i + 3) % pages_, 0L})
        if (l < pages_) body += "<a href=\"/p/" + std::to_string(l) + "\">p" + std::to_string(l) + "</a>";
      body += "<a href=\"http://elsewhere.invalid/x\">off-site</a></body></html>";
      res.set_content(body, "text/html");
    });
    server_.Get("/ready", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("ok", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
    // One request, so the server's worker threads exist before the test's
    // leak baseline is taken (they belong to the site, not the crawler).
    httplib::Client warmup("127.0.0.1", port_);
    warmup.Get("/ready");
  }
  ~site() {
    server_.stop();
    thread_.join();
  }
  std::string url(int i) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/p/" + std::to_string(i);
  }
  std::map<std::string, int> hits() const {
    std::lock_guard lk(mu_);
    return hits_;
  }
  int total_hits() const {
    std::lock_guard lk(mu_);
    int n = 0;
    for (const auto& [p, c] : hits_) n += c;
    return n;
  }

 private:
  int pages_;
  std::chrono::milliseconds delay_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::map<std::string, int> hits_;
};

}  // namespace crawler_test
