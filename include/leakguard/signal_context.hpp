// leakguard/signal_context.hpp - a context cancelled when a signal arrives:
// Go's signal.NotifyContext, for graceful shutdown.
//
//   leakguard::signal_context sig({SIGINT, SIGTERM});
//   run_server(sig.context());          // stops when Ctrl-C arrives
//   if (sig.signal()) std::puts("interrupted, shutting down");
//
// Contract:
//  * Construction installs leakguard's handler for each listed signal
//    (remembering the handler that was there) and returns a context, a child
//    of `parent` (default background()), that is cancelled (errc::canceled)
//    the first time any listed signal arrives. signal() then names it.
//  * While a signal_context is alive its signals keep being caught (a second
//    Ctrl-C does not kill the process); the context just stays cancelled.
//  * stop() or destruction "releases" it: the previous handlers are
//    restored (once the last signal_context listening to a signal releases
//    it - several may be alive at once, each one is cancelled) and the
//    context is cancelled (as Go's stop() does). stop() is idempotent.
//  * The handler itself is async-signal-safe: it only write()s the signal
//    number to a non-blocking self-pipe. A watcher thread ("leakguard-signal")
//    reads the pipe and cancels the contexts; it runs only while at least one
//    signal_context is alive and is joined when the last one is released.
//    The pipe's two descriptors are kept for the life of the process (so a
//    late handler never writes into a reused descriptor).
//  * Threads that block a listed signal (pthread_sigmask) do not receive it;
//    as long as one thread does not block it, the handler runs there.
//  * A signal_context is neither copyable nor movable (the watcher refers to
//    it); create it in place: `leakguard::signal_context sig({SIGINT});`.
#pragma once

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <initializer_list>
#include <mutex>
#include <stdexcept>
#include <stop_token>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "leakguard/context.hpp"

namespace leakguard {

class signal_context;

namespace detail {

// The self-pipe's write end, read by the handler (lock-free atomic: safe in a
// signal handler).
inline std::atomic<int> signal_pipe_write{-1};
static_assert(std::atomic<int>::is_always_lock_free);

inline void signal_context_handler(int signo) {
  const int saved = errno;
  const int fd = signal_pipe_write.load(std::memory_order_relaxed);
  if (fd >= 0) {
    const unsigned char b = static_cast<unsigned char>(signo);
    [[maybe_unused]] const ssize_t n = ::write(fd, &b, 1);  // full pipe: drop
  }
  errno = saved;
}

struct signal_listener {
  std::vector<int> signals;
  cancel_func cancel;
  std::atomic<int>* fired;
};

// Process-wide registry: which signals are hooked (with the handler that was
// there before), who listens, and the watcher thread. Never destroyed (a
// function-local leaked singleton), so it is usable during static
// destruction too.
class signal_hub {
 public:
  static signal_hub& instance() {
    static signal_hub* hub = new signal_hub;
    return *hub;
  }

  void add(signal_listener* l) {
    std::lock_guard life(lifecycle_mu_);
    std::lock_guard lk(mu_);
    ensure_pipe();
    for (int s : l->signals) hook(s);
    listeners_.push_back(l);
    if (!watcher_.joinable()) watcher_ = std::thread([this] { watch(); });
  }

  void remove(signal_listener* l) {
    std::lock_guard life(lifecycle_mu_);
    std::thread done;
    {
      std::lock_guard lk(mu_);
      auto it = std::find(listeners_.begin(), listeners_.end(), l);
      if (it == listeners_.end()) return;
      listeners_.erase(it);
      for (int s : l->signals) unhook(s);
      if (listeners_.empty()) done = std::move(watcher_);
    }
    if (done.joinable()) {
      const unsigned char stop_byte = 0;  // 0 is not a signal number
      while (::write(pipe_[1], &stop_byte, 1) < 0 && errno == EINTR) {
      }
      done.join();
    }
  }

 private:
  struct hooked {
    int signo;
    int refs;
    struct sigaction previous;
  };

  signal_hub() = default;

  void ensure_pipe() {
    if (pipe_[0] >= 0) return;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
      throw std::system_error(errno, std::generic_category(), "leakguard::signal_context: pipe2");
    // The handler must never block: non-blocking write end.
    ::fcntl(fds[1], F_SETFL, ::fcntl(fds[1], F_GETFL) | O_NONBLOCK);
    pipe_[0] = fds[0];
    pipe_[1] = fds[1];
    signal_pipe_write.store(fds[1], std::memory_order_release);
  }

  void hook(int signo) {
    for (hooked& h : hooked_)
      if (h.signo == signo) {
        ++h.refs;
        return;
      }
    struct sigaction sa {};
    sa.sa_handler = &signal_context_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    hooked h{signo, 1, {}};
    if (::sigaction(signo, &sa, &h.previous) != 0)
      throw std::system_error(errno, std::generic_category(),
                              "leakguard::signal_context: sigaction");
    hooked_.push_back(h);
  }

  void unhook(int signo) {
    for (auto it = hooked_.begin(); it != hooked_.end(); ++it)
      if (it->signo == signo) {
        if (--it->refs == 0) {
          ::sigaction(signo, &it->previous, nullptr);
          hooked_.erase(it);
        }
        return;
      }
  }

  void watch() {
#if defined(__linux__)
    pthread_setname_np(pthread_self(), "leakguard-signal");
#endif
    for (;;) {
      unsigned char b = 0;
      const ssize_t n = ::read(pipe_[0], &b, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || b == 0) return;
      std::vector<cancel_func> to_cancel;
      {
        std::lock_guard lk(mu_);
        for (signal_listener* l : listeners_)
          if (std::find(l->signals.begin(), l->signals.end(), int{b}) != l->signals.end()) {
            int none = 0;
            l->fired->compare_exchange_strong(none, int{b});
            to_cancel.push_back(l->cancel);
          }
      }
      // Outside the lock: cancelling runs stop callbacks, which may release
      // signal_contexts themselves.
      for (const cancel_func& c : to_cancel) c();
    }
  }

  std::mutex lifecycle_mu_;  // serialises add/remove (and the watcher's join)
  std::mutex mu_;            // hooked_, listeners_, watcher_
  std::vector<hooked> hooked_;
  std::vector<signal_listener*> listeners_;
  std::thread watcher_;
  int pipe_[2] = {-1, -1};
};

}  // namespace detail

class signal_context {
 public:
  explicit signal_context(std::initializer_list<int> signals)
      : signal_context(background(), std::vector<int>(signals)) {}
  signal_context(const leakguard::context& parent, std::initializer_list<int> signals)
      : signal_context(parent, std::vector<int>(signals)) {}
  // Throws std::invalid_argument for an empty list or a signal that cannot be
  // caught (SIGKILL, SIGSTOP, out of range), std::system_error if the handler
  // cannot be installed.
  signal_context(const leakguard::context& parent, std::vector<int> signals) {
    if (signals.empty()) throw std::invalid_argument("leakguard::signal_context: no signals");
    for (int s : signals)
      if (s <= 0 || s > 255 || s == SIGKILL || s == SIGSTOP)
        throw std::invalid_argument("leakguard::signal_context: signal cannot be caught");
    auto [ctx, cancel] = with_cancel(parent);
    ctx_ = std::move(ctx);
    listener_.signals = std::move(signals);
    listener_.cancel = std::move(cancel);
    listener_.fired = &fired_;
    detail::signal_hub::instance().add(&listener_);
  }
  signal_context(const signal_context&) = delete;
  signal_context& operator=(const signal_context&) = delete;
  ~signal_context() { stop(); }

  // Restores the previous handlers (see the header comment) and cancels the
  // context. Idempotent.
  void stop() {
    if (stopped_.exchange(true)) return;
    detail::signal_hub::instance().remove(&listener_);
    listener_.cancel();
  }

  const leakguard::context& context() const noexcept { return ctx_; }
  operator const leakguard::context&() const noexcept { return ctx_; }  // NOLINT
  operator std::stop_token() const noexcept { return ctx_.token(); }    // NOLINT
  std::stop_token token() const noexcept { return ctx_.token(); }
  bool done() const noexcept { return ctx_.done(); }
  std::error_code err() const noexcept { return ctx_.err(); }

  // The signal that cancelled the context, 0 if none (yet).
  int signal() const noexcept { return fired_.load(std::memory_order_acquire); }

 private:
  leakguard::context ctx_;
  detail::signal_listener listener_;
  std::atomic<int> fired_{0};
  std::atomic<bool> stopped_{false};
};

}  // namespace leakguard
