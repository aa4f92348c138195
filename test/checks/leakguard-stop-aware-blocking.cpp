// RUN: %check_tidy %s leakguard-stop-aware-blocking %t -- -- -isystem %inputs

#include <leakguard/leakguard.hpp>
#include <stop-aware-blocking/extra.hpp>
#include <condition_variable>
#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

// ---- flagged: library operations with a stop-aware overload (fix-its) ----

void producer(leakguard::channel<int> &ch, std::stop_token st) {
  ch.push(1);
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: call to 'ch.push' blocks and ignores stop handle 'st'; pass it to the stop-aware overload [leakguard-stop-aware-blocking]
  // CHECK-FIXES: {{^}}  ch.push(1, st);{{$}}
  auto v = ch.pop();
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: call to 'ch.pop' blocks and ignores stop handle 'st'; pass it
  // CHECK-FIXES: {{^}}  auto v = ch.pop(st);{{$}}
}

void views(leakguard::send_end<int> out, leakguard::recv_end<int> in,
           std::stop_token st) {
  out.push(2);
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: call to 'out.push' blocks and ignores stop handle 'st'
  // CHECK-FIXES: {{^}}  out.push(2, st);{{$}}
  in.pop();
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: call to 'in.pop' blocks
  // CHECK-FIXES: {{^}}  in.pop(st);{{$}}
}

void sync(leakguard::semaphore &sem, leakguard::weighted_semaphore &ws,
          leakguard::wait_group &wg, std::stop_token st) {
  sem.acquire();
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: call to 'sem.acquire' blocks and ignores stop handle 'st'
  // CHECK-FIXES: {{^}}  sem.acquire(st);{{$}}
  ws.acquire(3);
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: call to 'ws.acquire' blocks
  // CHECK-FIXES: {{^}}  ws.acquire(3, st);{{$}}
  wg.wait();
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: call to 'wg.wait' blocks
  // CHECK-FIXES: {{^}}  wg.wait(st);{{$}}
  leakguard::semaphore_guard g(sem);
  // CHECK-MESSAGES: :[[@LINE-1]]:30: warning: 'semaphore_guard' on 'sem' acquires and blocks, ignoring stop handle 'st'; pass it to the stop-aware constructor
  // CHECK-FIXES: {{^}}  leakguard::semaphore_guard g(sem, st);{{$}}
  leakguard::weighted_semaphore_guard wg2(ws, 2);
  // CHECK-MESSAGES: :[[@LINE-1]]:39: warning: 'weighted_semaphore_guard' on 'ws' acquires and blocks
  // CHECK-FIXES: {{^}}  leakguard::weighted_semaphore_guard wg2(ws, 2, st);{{$}}
}

void limiters(leakguard::rate_limiter &lim, leakguard::ticker &tick,
              leakguard::channel<int> &a, leakguard::channel<int> &b,
              std::stop_token st) {
  lim.wait();
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: call to 'lim.wait' blocks
  // CHECK-FIXES: {{^}}  lim.wait(st);{{$}}
  tick.wait();
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: call to 'tick.wait' blocks
  // CHECK-FIXES: {{^}}  tick.wait(st);{{$}}
  leakguard::select(leakguard::recv_case<int>(a), leakguard::recv_case<int>(b));
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: call to 'select' blocks and ignores stop handle 'st'
  // CHECK-FIXES: {{^}}  leakguard::select(st, leakguard::recv_case<int>(a), leakguard::recv_case<int>(b));{{$}}
}

// A context handle is passed by name: it converts to std::stop_token.
void with_context(leakguard::channel<int> &ch, const leakguard::context &ctx) {
  ch.push(4);
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: call to 'ch.push' blocks and ignores stop handle 'ctx'
  // CHECK-FIXES: {{^}}  ch.push(4, ctx);{{$}}
}

// The rate limiter has its own context overload: ctx is passed as is.
void limiter_context(leakguard::rate_limiter &lim, leakguard::context ctx) {
  lim.wait();
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: call to 'lim.wait' blocks and ignores stop handle 'ctx'
  // CHECK-FIXES: {{^}}  lim.wait(ctx);{{$}}
}

// ---- flagged: the standard library ----

void standard(std::stop_token st, std::mutex &m, std::condition_variable_any &cva,
              std::condition_variable &cv, std::counting_semaphore<4> &cs,
              std::binary_semaphore &bs, bool &ready) {
  std::unique_lock lk(m);
  cva.wait(lk, [&] { return ready; });
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: call to 'cva.wait' blocks and ignores stop handle 'st'; pass it to the stop-aware overload
  // CHECK-FIXES: {{^}}  cva.wait(lk, st, [&] { return ready; });{{$}}
  cva.wait_for(lk, 10ms, [&] { return ready; });
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: call to 'cva.wait_for' blocks
  // CHECK-FIXES: {{^}}  cva.wait_for(lk, st, 10ms, [&] { return ready; });{{$}}
  cva.wait_until(lk, std::chrono::steady_clock::now() + 1s, [&] { return ready; });
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: call to 'cva.wait_until' blocks
  // CHECK-FIXES: {{^}}  cva.wait_until(lk, st, std::chrono::steady_clock::now() + 1s, [&] { return ready; });{{$}}
  cva.wait(lk);
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: call to 'cva.wait' blocks and ignores stop handle 'st'; use the stop-aware overload, which takes a predicate: 'cva.wait(lock, st, ..., pred)'
  cv.wait(lk);
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: call to 'cv.wait' on a std::condition_variable cannot observe stop handle 'st'; use std::condition_variable_any and pass 'st' to 'wait'
  cv.wait_for(lk, 5ms, [&] { return ready; });
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: call to 'cv.wait_for' on a std::condition_variable
  cs.acquire();
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: call to 'cs.acquire' on a std::counting_semaphore cannot observe stop handle 'st'; use leakguard::semaphore with 'acquire(st)', or poll 'try_acquire_for' and check 'st'
  bs.acquire();
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: call to 'bs.acquire' on a std::counting_semaphore
}

void sleeps(std::stop_token st, std::chrono::duration<double> secs) {
  std::this_thread::sleep_for(10ms);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'std::this_thread::sleep_for' cannot be interrupted through stop handle 'st'; use 'leakguard::sleep_for(..., st)'
  // CHECK-FIXES: {{^}}  leakguard::sleep_for(10ms, st);{{$}}
  std::this_thread::sleep_for(secs);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'std::this_thread::sleep_for' cannot be interrupted
  // CHECK-FIXES: {{^}}  std::this_thread::sleep_for(secs);{{$}}
  std::this_thread::sleep_until(std::chrono::steady_clock::now() + 1s);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'std::this_thread::sleep_until' cannot be interrupted through stop handle 'st'; wait on a std::condition_variable_any with 'st' instead
}

// ---- flagged: range-for over a channel (no fix-it) ----

void drain(leakguard::channel<int> &ch, std::stop_token st) {
  for (int v : ch) {
    // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: range-for over channel 'ch' blocks on every receive and ignores stop handle 'st'; loop on 'ch.pop(st)' instead
    (void)v;
  }
}

// ---- where the handle comes from ----

// (inline: the mock declares go() without a body.)
inline void spawn(leakguard::channel<int> &ch) {
  // A std::jthread callable taking a std::stop_token.
  std::jthread t([&ch](std::stop_token st) {
    ch.push(5);
    // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: call to 'ch.push' blocks and ignores stop handle 'st'
    // CHECK-FIXES: {{^}}    ch.push(5, st);{{$}}
  });
  // leakguard::go and task_group::go callables.
  auto h = leakguard::go([&ch](std::stop_token tok) {
    ch.pop();
    // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: call to 'ch.pop' blocks and ignores stop handle 'tok'
    // CHECK-FIXES: {{^}}    ch.pop(tok);{{$}}
  });
  leakguard::task_group g;
  g.go([&ch](leakguard::context ctx) {
    ch.push(6);
    // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: call to 'ch.push' blocks and ignores stop handle 'ctx'
    // CHECK-FIXES: {{^}}    ch.push(6, ctx);{{$}}
  });
}

void locals(leakguard::channel<int> &ch, const leakguard::context &parent) {
  auto [ctx, cancel] = leakguard::with_cancel(parent);
  std::stop_source src;
  std::stop_token tok = src.get_token();
  ch.push(7);
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: call to 'ch.push' blocks and ignores stop handle 'ctx' (the nearest of 2 stop handles in scope); pass it
  // CHECK-FIXES: {{^}}  ch.push(7, ctx);{{$}}
  (void)tok;
}

// A handle made from a source that only this function can stop does not
// count here (this function is the canceller), but it does in a lambda that
// captures it. with_timeout fires on its own, so it counts.
void owner(leakguard::channel<int> &ch) {
  auto [gate, open_gate] = leakguard::with_cancel(leakguard::background());
  auto [child, cancel_child] = leakguard::with_cancel(gate);
  std::stop_source src;
  std::stop_token tok = src.get_token();
  std::stop_token never;
  leakguard::context bg = leakguard::background();
  ch.push(1);
  for (int v : ch)
    (void)v;
  std::jthread t([&ch, tok] { ch.push(2); });
  // CHECK-MESSAGES: :[[@LINE-1]]:34: warning: call to 'ch.push' blocks and ignores stop handle 'tok'; pass it
  // CHECK-FIXES: {{^}}  std::jthread t([&ch, tok] { ch.push(2, tok); });{{$}}
  auto [ctx, cancel] = leakguard::with_timeout(leakguard::background(), 1s);
  ch.pop();
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: call to 'ch.pop' blocks and ignores stop handle 'ctx'; pass it
  // CHECK-FIXES: {{^}}  ch.pop(ctx);{{$}}
  open_gate();
  src.request_stop();
}

void captured(leakguard::channel<int> &ch, std::stop_token st) {
  auto by_ref = [&] { ch.push(8); };
  // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: call to 'ch.push' blocks and ignores stop handle 'st'
  // CHECK-FIXES: {{^}}  auto by_ref = [&] { ch.push(8, st); };{{$}}
  auto by_copy = [=, &ch] { ch.pop(); };
  // CHECK-MESSAGES: :[[@LINE-1]]:32: warning: call to 'ch.pop' blocks
  // CHECK-FIXES: {{^}}  auto by_copy = [=, &ch] { ch.pop(st); };{{$}}
  auto explicit_capture = [&ch, st] { ch.pop(); };
  // CHECK-MESSAGES: :[[@LINE-1]]:42: warning: call to 'ch.pop' blocks
  // CHECK-FIXES: {{^}}  auto explicit_capture = [&ch, st] { ch.pop(st); };{{$}}
  auto init_capture = [&ch, tok = st] { ch.pop(); };
  // CHECK-MESSAGES: :[[@LINE-1]]:44: warning: call to 'ch.pop' blocks and ignores stop handle 'tok'; pass
  // CHECK-FIXES: {{^}}  auto init_capture = [&ch, tok = st] { ch.pop(tok); };{{$}}
  auto nested = [&] { return [&] { ch.pop(); }; };
  // CHECK-MESSAGES: :[[@LINE-1]]:39: warning: call to 'ch.pop' blocks
  // CHECK-FIXES: {{^}}  auto nested = [&] { return [&] { ch.pop(st); }; };{{$}}
  auto shadowing = [&, st = st] { ch.pop(); };
  // CHECK-MESSAGES: :[[@LINE-1]]:38: warning: call to 'ch.pop' blocks and ignores stop handle 'st'; pass it
  // CHECK-FIXES: {{^}}  auto shadowing = [&, st = st] { ch.pop(st); };{{$}}
  (void)shadowing;
  (void)by_ref; (void)by_copy; (void)explicit_capture; (void)init_capture;
  (void)nested;
}

// Members, pointers, a channel of another element type.
struct stage {
  leakguard::channel<std::vector<int>> out;
  leakguard::channel<int> *in = nullptr;
  void run(std::stop_token st) {
    out.push({1, 2});
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: call to 'out.push' blocks
    // CHECK-FIXES: {{^}}    out.push({1, 2}, st);{{$}}
    in->pop();
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: call to 'in->pop' blocks
    // CHECK-FIXES: {{^}}    in->pop(st);{{$}}
  }
};

// Templates: reported once, from the template's own code.
template <class T>
void forward_all(leakguard::channel<T> &in, leakguard::channel<T> &out,
                 std::stop_token st) {
  while (auto v = in.pop())
    // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: call to 'in.pop' blocks
    // CHECK-FIXES: {{^}}  while (auto v = in.pop(st)){{$}}
    out.push(*v);
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: call to 'out.push' blocks
    // CHECK-FIXES: {{^}}    out.push(*v, st);{{$}}
}
template void forward_all<int>(leakguard::channel<int> &, leakguard::channel<int> &,
                               std::stop_token);
template void forward_all<long>(leakguard::channel<long> &,
                                leakguard::channel<long> &, std::stop_token);

template <class T> struct worker {
  leakguard::semaphore sem{1};
  void run(std::stop_token st) {
    sem.acquire();
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: call to 'sem.acquire' blocks
    // CHECK-FIXES: {{^}}    sem.acquire(st);{{$}}
    sem.release();
  }
};
template struct worker<int>;
template struct worker<char>;

// A call spelled in a macro is reported, without a fix-it.
#define SEND(c, v) (c).push(v)
void in_macro(leakguard::channel<int> &ch, std::stop_token st) {
  SEND(ch, 9);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: call to 'ch.push' blocks
  // CHECK-FIXES: {{^}}  SEND(ch, 9);{{$}}
}

// NOLINT works.
void suppressed(leakguard::channel<int> &ch, std::stop_token st) {
  ch.push(10); // NOLINT(leakguard-stop-aware-blocking)
  // NOLINTNEXTLINE(leakguard-stop-aware-blocking)
  ch.pop();
}

// ---- not flagged ----

// The correct idioms: every blocking call passes the handle.
void correct(leakguard::channel<int> &ch, leakguard::semaphore &sem,
             leakguard::wait_group &wg, std::condition_variable_any &cv,
             std::mutex &m, std::stop_token st, const leakguard::context &ctx) {
  if (!ch.push(1, st))
    return;
  while (auto r = ch.pop(st))
    (void)r;
  if (!sem.acquire(st))
    return;
  leakguard::semaphore_guard g(sem, st);
  wg.wait(st);
  ch.push(2, ctx);
  ch.push(3, ctx.token());
  std::unique_lock lk(m);
  cv.wait(lk, st, [] { return true; });
  leakguard::sleep_for(std::chrono::milliseconds(1), st);
}

// try_ and timed channel forms never block unboundedly.
void non_blocking(leakguard::channel<int> &ch, leakguard::semaphore &sem,
                  std::counting_semaphore<2> &cs, std::stop_token st) {
  ch.try_push(1);
  ch.try_pop();
  ch.push_for(2, std::chrono::milliseconds(5));
  ch.pop_for(std::chrono::milliseconds(5));
  (void)sem.try_acquire();
  (void)cs.try_acquire();
  (void)cs.try_acquire_for(5ms);
  leakguard::try_select(leakguard::recv_case<int>(ch));
  ch.close();
  sem.release();
}

// No handle in scope.
void no_handle(leakguard::channel<int> &ch, leakguard::semaphore &sem,
               std::condition_variable &cv, std::mutex &m) {
  ch.push(1);
  ch.pop();
  for (int v : ch)
    (void)v;
  sem.acquire();
  std::unique_lock lk(m);
  cv.wait(lk);
  std::this_thread::sleep_for(1ms);
  std::jthread t([&ch] { ch.push(2); });
}

// A lambda that captures nothing cannot use the enclosing handle.
void no_capture(leakguard::channel<int> &ch, std::stop_token st) {
  auto f = [](leakguard::channel<int> &c) { c.push(1); };
  auto g = [&ch] { ch.pop(); };
  f(ch);
  g();
}

// A handle in an inner block is out of scope after it.
void block_scope(leakguard::channel<int> &ch, std::stop_source &src) {
  {
    std::stop_token st = src.get_token();
    (void)st;
  }
  ch.push(1);
}

// A handle that was moved away is no longer usable.
void moved_away(leakguard::channel<int> &ch, std::stop_token st) {
  std::jthread t([](std::stop_token) {}, std::move(st));
  ch.push(1);
}

// Waiting on a context is waiting for cancellation itself.
void context_wait(const leakguard::context &ctx) { ctx.wait(); }

// An unnamed stop_token parameter cannot be passed.
void unnamed(leakguard::channel<int> &ch, std::stop_token) { ch.push(1); }

// A local class's member function sees no enclosing locals: its push is not
// flagged there. Calling it with 'st' in scope is (see the -helpers test).
void local_class(leakguard::channel<int> &ch, std::stop_token st) {
  struct helper {
    static void send(leakguard::channel<int> &c) { c.push(1); }
  };
  helper::send(ch);
  // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: call to 'send' blocks and ignores stop handle 'st': 'send' takes no stop handle and blocks in 'c.push'
}

// In the branch where the handle can never be stopped, not passing it loses
// nothing (the library's own stop-aware overloads delegate this way).
void cannot_stop(leakguard::wait_group &wg, std::stop_token st) {
  if (!st.stop_possible()) {
    wg.wait();
    return;
  }
  if (st.stop_possible())
    (void)wg.wait(st);
  else
    wg.wait();
  wg.wait();
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: call to 'wg.wait' blocks and ignores stop handle 'st'
  // CHECK-FIXES: {{^}}  wg.wait(st);{{$}}
}


// A lambda at namespace scope is analysed on its own.
auto global_worker = [](leakguard::channel<int> &ch, std::stop_token st) {
  ch.push(1);
  // CHECK-MESSAGES: :[[@LINE-1]]:6: warning: call to 'ch.push' blocks and ignores stop handle 'st'
  // CHECK-FIXES: {{^}}  ch.push(1, st);{{$}}
};

// Known gap: a generic lambda's 'auto' object is not recognised.
void generic(leakguard::channel<int> &ch, std::stop_token st) {
  auto send = [&](auto &c) { c.push(1); };
  send(ch);
}
