// Test helper: observes the library's tracking hooks so tests can wait until
// a thread is really blocked on an object (instead of sleeping and hoping),
// and inspect the wait_record / thread_begin data the library reports.
// Chains to whatever hook table was installed before (the tracker runtime).
#pragma once

#include <leakguard/detail/tracking.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace probe {

struct seen_record {
  leakguard::detail::wait_kind kind;
  std::string operation, object_type, object_name;
  const void* object;
  std::size_t capacity;
  unsigned line;
  bool timed;
};

class hooks {
 public:
  hooks() {
    prev_ = leakguard::detail::installed_hooks.load();
    if (prev_) table_ = *prev_;
    table_.block_begin = &begin;
    table_.block_end = &end;
    table_.thread_begin = &thread_begin;
    table_.permits = &permits;
    self() = this;
    leakguard::detail::installed_hooks.store(&table_);
  }
  ~hooks() {
    leakguard::detail::installed_hooks.store(prev_);
    self() = nullptr;
  }
  hooks(const hooks&) = delete;
  hooks& operator=(const hooks&) = delete;

  int blocked_on(const void* obj) {
    std::lock_guard lk(mu_);
    auto it = blocked_.find(obj);
    return it == blocked_.end() ? 0 : it->second;
  }
  int blocked_total() {
    std::lock_guard lk(mu_);
    int n = 0;
    for (auto& [k, v] : blocked_) n += v;
    return n;
  }
  // Waits (generously) until `n` threads are blocked on `obj`.
  bool wait_blocked(const void* obj, int n = 1) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < until) {
      if (blocked_on(obj) >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  }
  std::optional<seen_record> last_record() {
    std::lock_guard lk(mu_);
    return last_;
  }
  std::optional<std::pair<std::string, unsigned>> last_thread() {
    std::lock_guard lk(mu_);
    return last_thread_;
  }
  std::ptrdiff_t permits_of(const void* obj) {
    std::lock_guard lk(mu_);
    auto it = permits_.find(obj);
    return it == permits_.end() ? 0 : it->second;
  }

 private:
  static hooks*& self() {
    static hooks* h = nullptr;
    return h;
  }
  static void begin(const leakguard::detail::wait_record& r) noexcept {
    hooks* h = self();
    if (!h) return;
    {
      std::lock_guard lk(h->mu_);
      ++h->blocked_[r.object];
      h->last_ = seen_record{r.kind,
                             r.operation,
                             r.object_type,
                             r.object_name ? r.object_name : "",
                             r.object,
                             r.capacity,
                             static_cast<unsigned>(r.where.line()),
                             r.timed};
    }
    if (h->prev_ && h->prev_->block_begin) h->prev_->block_begin(r);
  }
  static void end(const leakguard::detail::wait_record& r) noexcept {
    hooks* h = self();
    if (!h) return;
    {
      std::lock_guard lk(h->mu_);
      --h->blocked_[r.object];
    }
    if (h->prev_ && h->prev_->block_end) h->prev_->block_end(r);
  }
  static void thread_begin(const char* name, std::source_location where) noexcept {
    hooks* h = self();
    if (!h) return;
    {
      std::lock_guard lk(h->mu_);
      h->last_thread_ = std::pair<std::string, unsigned>(name ? name : "",
                                                         static_cast<unsigned>(where.line()));
    }
    if (h->prev_ && h->prev_->thread_begin) h->prev_->thread_begin(name, where);
  }
  static void permits(const void* obj, const char* type, std::ptrdiff_t d,
                      std::source_location where) noexcept {
    hooks* h = self();
    if (!h) return;
    {
      std::lock_guard lk(h->mu_);
      h->permits_[obj] += d;
    }
    if (h->prev_ && h->prev_->permits) h->prev_->permits(obj, type, d, where);
  }

  const leakguard::detail::tracker_hooks* prev_ = nullptr;
  leakguard::detail::tracker_hooks table_{};
  std::mutex mu_;
  std::map<const void*, int> blocked_;
  std::map<const void*, std::ptrdiff_t> permits_;
  std::optional<seen_record> last_;
  std::optional<std::pair<std::string, unsigned>> last_thread_;
};

// Stress sizes: smaller under sanitizers (TSan is ~10x slower on 2 cores).
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
inline constexpr int scale_div = 8;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
inline constexpr int scale_div = 8;
#else
inline constexpr int scale_div = 1;
#endif
#else
inline constexpr int scale_div = 1;
#endif

}  // namespace probe
