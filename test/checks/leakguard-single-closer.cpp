// RUN: %check_tidy %s leakguard-single-closer %t

#include <leakguard/leakguard.hpp>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

using leakguard::channel;

//===--- rule 1: a callable started more than once closes a shared channel ===//

void worker_closes_shared(int n) {
  channel<int> out(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&out, i] {
      out.push(i);
      out.close();
      // CHECK-NOTES: :[[@LINE-1]]:7: warning: 'out' is closed by a callable that is started more than once; only the single owner of a shared channel may close it [leakguard-single-closer]
      // CHECK-NOTES: :[[@LINE-4]]:5: note: the callable is started here, in a loop
    });
  for (auto &t : threads)
    t.join();
}

void deferred_close_in_task(leakguard::task_group &g, channel<int> &out) {
  for (int i = 0; i < 4; ++i)
    g.go([&out, i] {
      leakguard::defer d([&] { out.close(); });
      // CHECK-NOTES: :[[@LINE-1]]:32: warning: 'out' is closed by a callable that is started more than once; only the single owner of a shared channel may close it [leakguard-single-closer]
      // CHECK-NOTES: :[[@LINE-3]]:5: note: the callable is started here, in a loop
      out.push(i);
    });
}

void pool_worker(channel<int> &jobs, channel<int> &results) {
  for (int j : jobs)
    results.push(j * 2);
  results.close();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'results' is closed by a callable that is started more than once; only the single owner of a shared channel may close it [leakguard-single-closer]
  // CHECK-NOTES: :[[@LINE+7]]:5: note: the callable is started here, in a loop
}

void start_pool(channel<int> &jobs) {
  channel<int> results(16);
  std::vector<std::jthread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back(pool_worker, std::ref(jobs), std::ref(results));
}

void same_lambda_twice() {
  auto ch = std::make_shared<channel<int>>(2);
  auto producer = [ch] {
    ch->push(1);
    ch->close();
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: 'ch' is closed by a callable that is started more than once; only the single owner of a shared channel may close it [leakguard-single-closer]
    // CHECK-NOTES: :[[@LINE+3]]:16: note: the callable is started here
    // CHECK-NOTES: :[[@LINE+3]]:16: note: and started again here
  };
  std::jthread a(producer);
  std::jthread b(producer);
}

void go_in_loop_through_pointer(channel<int> &ch) {
  channel<int> *p = &ch;
  std::vector<leakguard::go_handle> hs;
  for (int i = 0; i < 3; ++i)
    hs.push_back(leakguard::go([p, i] {
      p->push(i);
      p->close();
      // CHECK-NOTES: :[[@LINE-1]]:7: warning: 'ch' is closed by a callable that is started more than once; only the single owner of a shared channel may close it [leakguard-single-closer]
      // CHECK-NOTES: :[[@LINE-4]]:18: note: the callable is started here, in a loop
    }));
}

void pool_jobs(leakguard::worker_pool &pool, channel<int> &done) {
  for (int i = 0; i < 8; ++i)
    pool.submit([&done] { done.close(); });
  // CHECK-NOTES: :[[@LINE-1]]:27: warning: 'done' is closed by a callable that is started more than once; only the single owner of a shared channel may close it [leakguard-single-closer]
  // CHECK-NOTES: :[[@LINE-2]]:5: note: the callable is started here, in a loop
}

// Not flagged: each task closes a channel it created, or one made per
// iteration, or closes under std::call_once.
void worker_owns_its_channel(leakguard::task_group &g) {
  for (int i = 0; i < 4; ++i)
    g.go([i] {
      channel<int> mine(1);
      mine.push(i);
      mine.close();
    });
}

void channel_per_iteration(leakguard::task_group &g) {
  for (int i = 0; i < 4; ++i) {
    auto ch = std::make_shared<channel<int>>(1);
    g.go([ch, i] {
      ch->push(i);
      ch->close();
    });
  }
}

void channel_per_element(leakguard::task_group &g,
                         std::vector<channel<int>> &chans) {
  for (auto &c : chans)
    g.go([&c] {
      c.push(1);
      c.close();
    });
}

void close_once(leakguard::task_group &g, channel<int> &quit) {
  std::once_flag once;
  for (int i = 0; i < 4; ++i)
    g.go([&] { std::call_once(once, [&] { quit.close(); }); });
  g.wait();
}

//===--- rule 2: a receiver or forwarder closes the channel it reads ------===//

void drain_and_close(channel<int> &in) {
  for (int v : in)
    if (v < 0)
      break;
  in.close();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'in' is closed by a function that only receives from it; the sending side must close the channel [leakguard-single-closer]
  // CHECK-NOTES: :[[@LINE-5]]:16: note: 'in' is received here
}

void forwarder(channel<int> &in, channel<int> &out) {
  while (auto v = in.pop())
    out.push(*v);
  out.close();
  in.close();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'in' is closed by a function that only receives from it; the sending side must close the channel [leakguard-single-closer]
  // CHECK-NOTES: :[[@LINE-5]]:19: note: 'in' is received here
}

// Not flagged: the owner closes after every producer finished, then drains.
void owner_closes_then_drains() {
  channel<int> results(16);
  leakguard::wait_group wg;
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i) {
    wg.add(1);
    ts.emplace_back([&, i] {
      results.push(i);
      wg.done();
    });
  }
  wg.wait();
  results.close();
  for (int v : results)
    (void)v;
  for (auto &t : ts)
    t.join();
}

// Not flagged: the channel is handed to code that may send on it.
void hands_on(channel<int> &ch, void (*produce)(channel<int> &)) {
  produce(ch);
  (void)ch.try_pop();
  ch.close();
}

//===--- rule 3: a close that can run twice on one path --------------------===//

void close_twice(channel<int> &ch) {
  ch.push(1);
  ch.close();
  ch.close();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'ch' may be closed a second time on this path [leakguard-single-closer]
  // CHECK-NOTES: :[[@LINE-3]]:3: note: 'ch' is first closed here
}

void close_in_loop(channel<int> &ch, int n) {
  for (int i = 0; i < n; ++i) {
    ch.push(i);
    ch.close();
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: 'ch' is closed inside a loop and may be closed more than once [leakguard-single-closer]
    // CHECK-NOTES: :[[@LINE-4]]:3: note: the loop repeats the close
  }
}

void close_on_branch_then_again(channel<int> &ch, bool early) {
  if (early)
    ch.close();
  ch.push(2);
  ch.close();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'ch' may be closed a second time on this path [leakguard-single-closer]
  // CHECK-NOTES: :[[@LINE-4]]:5: note: 'ch' is first closed here
}

// Not flagged: exclusive branches, a loop left right after the close, a
// channel made per iteration, guarded closes, a pointer reset in the loop.
void close_on_each_branch(channel<int> &ch, bool a) {
  ch.push(1);
  if (a)
    ch.close();
  else
    ch.close();
}

int first_good(channel<int> &ch, int n) {
  for (int i = 0; i < n; ++i) {
    std::optional<int> v = ch.try_pop();
    if (v && *v > 0) {
      ch.push(0);
      ch.close();
      return *v;
    }
  }
  return -1;
}

void fresh_channel_each_round(int n) {
  for (int i = 0; i < n; ++i) {
    channel<int> c(1);
    c.push(i);
    c.close();
  }
}

void guarded_closes(channel<int> &a, channel<int> &b, int n) {
  bool closed = false;
  for (int i = 0; i < n; ++i) {
    a.push(i);
    b.push(i);
    if (!a.is_closed())
      a.close();
    if (!closed) {
      b.close();
      closed = true;
    }
  }
}

void reset_each_round(int n) {
  std::shared_ptr<channel<int>> p;
  for (int i = 0; i < n; ++i) {
    p = std::make_shared<channel<int>>(1);
    p->push(i);
    p->close();
  }
}

//===--- rule 4: closed while producers may still send --------------------===//

void close_before_wait() {
  channel<int> out(8);
  leakguard::task_group g;
  for (int i = 0; i < 3; ++i)
    g.go([&out, i] { out.push(i); });
  out.close();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'out' is closed while producers started by this function may still send on it; wait for them before closing [leakguard-single-closer]
  // CHECK-NOTES: :[[@LINE-2]]:3: note: FIX-IT applied suggested code changes
  // CHECK-NOTES: :[[@LINE+2]]:3: note: FIX-IT applied suggested code changes
  // CHECK-NOTES: :[[@LINE-5]]:5: note: a producer that sends on 'out' is started here
  g.wait();
}
// CHECK-FIXES: {{^}}    g.go([&out, i] { out.push(i); });{{$}}
// CHECK-FIXES-NEXT: {{^}}  g.wait();{{$}}
// CHECK-FIXES: {{^}}  out.close();{{$}}

void produce(channel<int> &out, int n) {
  for (int i = 0; i < n; ++i)
    out.push(i);
  out.close();
}

void detached_producer(channel<int> &ch) {
  std::thread([&ch] { ch.push(1); }).detach();
  ch.close();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'ch' is closed while producers started by this function may still send on it; wait for them before closing [leakguard-single-closer]
  // CHECK-NOTES: :[[@LINE-3]]:3: note: a producer that sends on 'ch' is started here
}

void jthread_still_running(channel<int> &ch) {
  std::jthread p([&ch] { ch.push(1); });
  ch.close();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'ch' is closed while producers started by this function may still send on it; wait for them before closing [leakguard-single-closer]
  // CHECK-NOTES: :[[@LINE-3]]:16: note: a producer that sends on 'ch' is started here
}

void send_only(channel<int> &out, int n) {
  for (int i = 0; i < n; ++i)
    out.push(i);
}

void function_producer(channel<int> &ch) {
  std::thread t(send_only, std::ref(ch), 3);
  ch.close();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'ch' is closed while producers started by this function may still send on it; wait for them before closing [leakguard-single-closer]
  // CHECK-NOTES: :[[@LINE-3]]:15: note: a producer that sends on 'ch' is started here
  (void)ch.size();
  t.join();
}

// Not flagged: wait first (join loop, jthread scope, latch, wait_group), the
// single closer, a consumer that never sends, a single producer.
void join_then_close(channel<int> &ch) {
  std::vector<std::thread> ts;
  for (int i = 0; i < 3; ++i)
    ts.emplace_back([&ch, i] { ch.push(i); });
  for (auto &t : ts)
    t.join();
  ch.close();
}

void scoped_jthreads(channel<int> &ch) {
  {
    std::jthread p1([&ch] { ch.push(1); });
    std::jthread p2([&ch] { ch.push(2); });
  }
  ch.close();
}

void latch_then_close(channel<int> &ch) {
  std::latch done(3);
  std::vector<std::thread> ts;
  for (int i = 0; i < 3; ++i)
    ts.emplace_back([&] {
      ch.push(i);
      done.count_down();
    });
  done.wait();
  ch.close();
  for (auto &t : ts)
    t.join();
}

void fan_in(channel<int> &a, channel<int> &b, channel<int> &out) {
  leakguard::wait_group wg;
  wg.add(2);
  std::jthread fa([&] {
    for (int v : a)
      out.push(v);
    wg.done();
  });
  std::jthread fb([&] {
    for (int v : b)
      out.push(v);
    wg.done();
  });
  std::jthread closer([&] {
    wg.wait();
    out.close();
  });
}

void consumer_then_close(channel<int> &ch) {
  std::jthread consumer([&ch] {
    for (int v : ch)
      (void)v;
  });
  for (int i = 0; i < 3; ++i)
    ch.push(i);
  ch.close();
}

void single_producer(channel<int> &ch) {
  std::jthread p(produce, std::ref(ch), 3);
}

void owner_waits_then_closes() {
  channel<int> out(8);
  leakguard::task_group g;
  for (int i = 0; i < 3; ++i)
    g.go([&out, i] { out.push(i); });
  g.wait();
  out.close();
}

//===--- templates: reported once -----------------------------------------===//

template <class T> void drain_tmpl(channel<T> &in) {
  for (auto v : in)
    (void)v;
  in.close();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'in' is closed by a function that only receives from it; the sending side must close the channel [leakguard-single-closer]
  // CHECK-NOTES: :[[@LINE-4]]:17: note: 'in' is received here
}

template <class T> struct twice_closer {
  void run(channel<T> &c) {
    c.close();
    c.close();
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: 'c' may be closed a second time on this path [leakguard-single-closer]
    // CHECK-NOTES: :[[@LINE-3]]:5: note: 'c' is first closed here
  }
};

void use_tmpl(channel<int> &a, channel<long> &b) {
  drain_tmpl(a);
  drain_tmpl(b);
  twice_closer<int>().run(a);
  twice_closer<long>().run(b);
}

//===--- NOLINT -----------------------------------------------------------===//

void suppressed(channel<int> &ch) {
  ch.push(1);
  ch.close();
  ch.close(); // NOLINT(leakguard-single-closer)
  // NOLINTNEXTLINE(leakguard-single-closer)
  ch.close();
}
