// Extra mock declarations for leakguard-stop-aware-blocking's tests: the
// blocking parts of the real library that the shared mock does not carry
// (rate_limiter, ticker, select, weighted_semaphore_guard), with the real
// headers' call shapes.
#pragma once
#include <leakguard/leakguard.hpp>
#include <optional>
#include <system_error>

namespace leakguard {

class rate_limiter {
public:
  rate_limiter(double rate, std::size_t burst) {}
  bool allow();
  std::error_code wait(std::stop_token st = {},
                       std::source_location = std::source_location::current());
  std::error_code wait(const context &ctx,
                       std::source_location = std::source_location::current());
};

class ticker {
public:
  explicit ticker(std::chrono::nanoseconds d) {}
  std::optional<std::chrono::steady_clock::time_point>
  wait(std::stop_token st = {},
       std::source_location = std::source_location::current());
  void stop();
};

template <class T> class recv_case {
public:
  explicit recv_case(channel<T> &ch) {}
};
struct select_result {
  std::size_t index;
};
template <class... Cases> select_result select(Cases &&...cases);
template <class... Cases>
select_result select(std::stop_token st, Cases &&...cases);
template <class... Cases> select_result try_select(Cases &&...cases);

class weighted_semaphore_guard {
public:
  weighted_semaphore_guard(weighted_semaphore &s, std::ptrdiff_t n,
                           std::source_location = std::source_location::current()) {}
  weighted_semaphore_guard(weighted_semaphore &s, std::ptrdiff_t n,
                           std::stop_token st,
                           std::source_location = std::source_location::current()) {}
};

} // namespace leakguard

// A third-party channel without stop tokens, for the option tests.
namespace thirdparty {
template <class T> class queue {
public:
  void push(T v);
  T pop();
  bool try_pop(T &out);
};
template <class T> class tokqueue {
public:
  void push(T v);
  bool push(T v, std::stop_token st);
  T pop();
  std::optional<T> pop(std::stop_token st);
  struct iterator {
    T operator*() const;
    iterator &operator++();
    bool operator!=(const iterator &) const;
  };
  iterator begin();
  iterator end();
};
struct cancel_token {
  operator std::stop_token() const;
};
void blocking_io(int fd);
void blocking_io(int fd, std::stop_token st);
void legacy_wait();
} // namespace thirdparty
