// RUN: %check_tidy %s leakguard-single-closer %t
// More shapes: per-item callables of the pattern helpers, "the last one
// closes", several closers, coordinators, member channels.

#include <leakguard/leakguard.hpp>
#include <single-closer/patterns.hpp>
#include <atomic>
#include <thread>
#include <vector>

using leakguard::channel;

void job_closes_shared(const leakguard::context &ctx, channel<int> &jobs,
                       channel<int> &audit) {
  leakguard::start_workers(ctx, 4, jobs, [&audit](int j) {
    audit.push(j);
    audit.close();
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: 'audit' is closed by a callable that is started more than once; only the single owner of a shared channel may close it [leakguard-single-closer]
    // CHECK-NOTES: :[[@LINE-4]]:3: note: the callable is run for each item here
  });
}

void racy_check_then_close(leakguard::task_group &g, channel<int> &out) {
  for (int i = 0; i < 4; ++i)
    g.go([&out, i] {
      out.push(i);
      if (!out.is_closed())
        out.close();
      // CHECK-NOTES: :[[@LINE-1]]:9: warning: 'out' is closed by a callable that is started more than once; only the single owner of a shared channel may close it [leakguard-single-closer]
      // CHECK-NOTES: :[[@LINE-5]]:5: note: the callable is started here, in a loop
    });
}

void two_producers_both_close(channel<int> &out) {
  std::jthread a([&out] {
    out.push(1);
    out.close();
  });
  std::jthread b([&out] {
    out.push(2);
    out.close();
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: 'out' is closed by more than one concurrently running callable; only the single owner of a shared channel may close it [leakguard-single-closer]
    // CHECK-NOTES: :[[@LINE-6]]:5: note: 'out' is also closed here
  });
}

void closer_and_owner_both_close(channel<int> &out, leakguard::wait_group &wg) {
  std::jthread closer([&] {
    wg.wait();
    out.close();
  });
  out.close();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'out' is closed by more than one concurrently running callable; only the single owner of a shared channel may close it [leakguard-single-closer]
  // CHECK-NOTES: :[[@LINE-4]]:5: note: 'out' is also closed here
}

void stop_aware_receiver_closes(channel<int> &in, std::stop_token st) {
  while (auto r = in.pop(st))
    (void)r;
  in.close();
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: 'in' is closed by a function that only receives from it; the sending side must close the channel [leakguard-single-closer]
  // CHECK-NOTES: :[[@LINE-4]]:19: note: 'in' is received here
}

// Not flagged: the last worker closes (atomic countdown), a coordinator that
// learns from a results channel that the work is done, a class that owns its
// channel, producers on distinct channels.
void last_worker_closes(leakguard::task_group &g, channel<int> &out) {
  std::atomic<int> pending{4};
  for (int i = 0; i < 4; ++i)
    g.go([&, i] {
      out.push(i);
      if (--pending == 0)
        out.close();
    });
  g.wait();
}

void last_worker_closes_fetch_sub(leakguard::task_group &g, channel<int> &out) {
  std::atomic<int> pending{4};
  for (int i = 0; i < 4; ++i)
    g.go([&, i] {
      out.push(i);
      if (pending.fetch_sub(1) == 1)
        out.close();
    });
  g.wait();
}

void coordinator(leakguard::task_group &g, channel<int> &jobs,
                 channel<int> &results, int n) {
  for (int w = 0; w < 3; ++w)
    g.go([&] {
      for (int j : jobs) {
        if (j > 0)
          jobs.push(j - 1);
        else
          results.push(j);
      }
    });
  jobs.push(n);
  for (int seen = 0; seen < 1;)
    if (results.pop())
      ++seen;
  jobs.close();
  g.wait();
}

class server {
public:
  void submit(int v) { q_.push(v); }
  void stop() {
    q_.close();
    while (auto v = q_.try_pop())
      (void)v;
  }

private:
  channel<int> q_{8};
};

void each_producer_its_channel(channel<int> &a, channel<int> &b) {
  std::jthread pa([&a] {
    a.push(1);
    a.close();
  });
  std::jthread pb([&b] {
    b.push(2);
    b.close();
  });
}

void send_end_producer(leakguard::send_end<int> out, int n) {
  for (int i = 0; i < n; ++i)
    out.push(i);
  out.close();
}

void start_one_producer(channel<int> &ch) {
  std::jthread p(send_end_producer, leakguard::send_end<int>(ch), 3);
  for (int v : ch)
    (void)v;
}
