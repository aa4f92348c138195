// Mock of the leakguard library for the checks' lit tests: the same names
// and call shapes as include/leakguard/, with trivial bodies, so the tests
// parse fast and do not change when the real implementation does. Keep it in
// step with the real headers' public API (the dogfood tests run the checks on
// the real ones).
#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <source_location>
#include <stop_token>
#include <system_error>
#include <thread>
#include <utility>

namespace leakguard {

struct channel_closed {};

enum class op_status { delivered, closed, stopped, timed_out, would_block };
struct send_result {
  op_status status;
  explicit operator bool() const noexcept { return status == op_status::delivered; }
};
template <class T> struct recv_result {
  op_status status;
  std::optional<T> value;
  explicit operator bool() const noexcept { return value.has_value(); }
};

class context {
public:
  std::stop_token token() const noexcept { return {}; }
  operator std::stop_token() const noexcept { return {}; }
  bool done() const noexcept { return false; }
  std::error_code err() const noexcept { return {}; }
  void wait(std::source_location = std::source_location::current()) const;
  bool wait(std::stop_token st,
            std::source_location = std::source_location::current()) const;
};
class cancel_func {
public:
  void operator()() const noexcept {}
};
context background();
std::pair<context, cancel_func> with_cancel(const context &parent);
std::pair<context, cancel_func> with_timeout(const context &parent,
                                             std::chrono::nanoseconds d);

template <class T> class send_end;
template <class T> class recv_end;

template <class T> class channel {
public:
  explicit channel(std::size_t capacity = 0) {}
  void push(T v, std::source_location = std::source_location::current());
  send_result push(T v, std::stop_token st,
                   std::source_location = std::source_location::current());
  send_result push_for(T v, std::chrono::nanoseconds d);
  send_result try_push(T v);
  std::optional<T> pop(std::source_location = std::source_location::current());
  recv_result<T> pop(std::stop_token st,
                     std::source_location = std::source_location::current());
  recv_result<T> pop_for(std::chrono::nanoseconds d);
  std::optional<T> try_pop();
  void close();
  bool is_closed() const noexcept;
  std::size_t size() const noexcept;
  std::size_t capacity() const noexcept;
  send_end<T> sender() noexcept;
  recv_end<T> receiver() noexcept;
  struct iterator {
    T operator*() const;
    iterator &operator++();
    bool operator!=(const iterator &) const;
  };
  iterator begin();
  iterator end();
};

template <class T> class send_end {
public:
  send_end() = default;
  send_end(channel<T> &ch) noexcept {} // NOLINT(google-explicit-constructor)
  void push(T v, std::source_location = std::source_location::current());
  send_result push(T v, std::stop_token st,
                   std::source_location = std::source_location::current());
  send_result try_push(T v);
  void close();
};

template <class T> class recv_end {
public:
  recv_end() = default;
  recv_end(channel<T> &ch) noexcept {} // NOLINT(google-explicit-constructor)
  std::optional<T> pop(std::source_location = std::source_location::current());
  recv_result<T> pop(std::stop_token st,
                     std::source_location = std::source_location::current());
  std::optional<T> try_pop();
  typename channel<T>::iterator begin();
  typename channel<T>::iterator end();
};

class wait_group {
public:
  void add(int n = 1);
  void done();
  void wait(std::source_location = std::source_location::current());
  bool wait(std::stop_token st,
            std::source_location = std::source_location::current());
};

class semaphore {
public:
  explicit semaphore(std::ptrdiff_t n) {}
  void acquire(std::source_location = std::source_location::current());
  bool acquire(std::stop_token st,
               std::source_location = std::source_location::current());
  bool try_acquire() noexcept;
  bool try_acquire_for(std::chrono::nanoseconds d);
  void release();
};

class weighted_semaphore {
public:
  explicit weighted_semaphore(std::ptrdiff_t n) {}
  void acquire(std::ptrdiff_t n,
               std::source_location = std::source_location::current());
  bool acquire(std::ptrdiff_t n, std::stop_token st,
               std::source_location = std::source_location::current());
  bool try_acquire(std::ptrdiff_t n) noexcept;
  void release(std::ptrdiff_t n);
};

class semaphore_guard {
public:
  explicit semaphore_guard(semaphore &s) {}
  semaphore_guard(semaphore &s, std::stop_token st,
                  std::source_location = std::source_location::current()) {}
  semaphore_guard(const semaphore_guard &) = delete;
  ~semaphore_guard() {}
};

template <class F> class defer {
public:
  explicit defer(F f) : f_(std::move(f)) {}
  defer(const defer &) = delete;
  ~defer() { f_(); }
private:
  F f_;
};

bool sleep_for(std::chrono::nanoseconds d, std::stop_token st);

class go_handle {
public:
  void join();
  void request_stop();
};
template <class F, class... A> go_handle go(F &&f, A &&...a) { return {}; }

class task_group {
public:
  task_group() = default;
  explicit task_group(const leakguard::context &parent) {}
  leakguard::context context() const;
  void set_limit(int n);
  template <class F> void go(F &&f) {}
  template <class F> bool try_go(F &&f) { return true; }
  std::error_code wait();
};

class worker_pool {
public:
  explicit worker_pool(std::size_t workers) {}
  template <class F> void submit(F &&job) {}
  void shutdown();
};

} // namespace leakguard
