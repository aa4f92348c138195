// Minimal declarations in the shape of Boost.Fiber's channels and fibers,
// and of a user's own channel and spawner, for leakguard-single-closer's
// option tests.
#pragma once
#include <cstddef>
#include <utility>

namespace boost::fibers {
enum class channel_op_status { success, empty, full, closed, timeout };

template <class T> class buffered_channel {
public:
  explicit buffered_channel(std::size_t capacity) {}
  channel_op_status push(const T &v);
  channel_op_status try_push(const T &v);
  channel_op_status pop(T &v);
  T value_pop();
  void close() noexcept;
  bool is_closed() const noexcept;
};

template <class T> class unbuffered_channel {
public:
  unbuffered_channel() = default;
  channel_op_status push(const T &v);
  channel_op_status pop(T &v);
  T value_pop();
  void close() noexcept;
  bool is_closed() const noexcept;
};

class fiber {
public:
  fiber() = default;
  template <class F, class... A> explicit fiber(F &&f, A &&...a) {}
  fiber(fiber &&) = default;
  void join();
  void detach();
};
} // namespace boost::fibers

namespace my {
template <class T> class chan {
public:
  void put(T v);
  T take();
  void close();
};
template <class F> void spawn(F &&f) {}
} // namespace my
