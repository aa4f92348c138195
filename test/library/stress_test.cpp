// Stress: many producers and consumers with random cancellation and a
// random close. Every item must be accounted for exactly once - received by
// a consumer, left in the buffer and drained at the end, or handed back to
// its producer undelivered - and no thread may stay blocked.
#include <leakguard/channel.hpp>
#include <leakguard/defer.hpp>
#include <leakguard/go.hpp>
#include <leakguard/select.hpp>
#include <leakguard/semaphore.hpp>
#include <leakguard/wait_group.hpp>
#include <leakguard/weighted_semaphore.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <random>
#include <vector>

#include "probe.hpp"

using namespace std::chrono_literals;
using leakguard::op_status;

namespace {

struct stress_result {
  std::uint64_t received = 0, drained = 0, returned = 0;
};

// items in total, split over `producers`.
void run_channel_stress(std::size_t capacity, int producers, int consumers, int items,
                        unsigned seed, bool use_select) {
  probe::hooks h;
  leakguard::channel<std::uint64_t> ch(capacity);
  leakguard::channel<std::uint64_t> side(1);  // a second channel for select cases
  const int per = items / producers;
  std::vector<std::atomic<std::uint8_t>> state(static_cast<std::size_t>(per) * producers);
  // state: 0 never attempted or returned, 1 received, 2 returned undelivered
  std::vector<std::stop_source> prod_stop(producers), cons_stop(consumers);
  std::vector<int> attempted(producers, 0);
  std::vector<std::atomic<int>> attempted_done(producers);
  std::atomic<std::uint64_t> received{0}, returned{0}, dups{0};

  auto mark = [&](std::uint64_t id, std::uint8_t what) {
    std::uint8_t expected = 0;
    if (!state[id].compare_exchange_strong(expected, what)) ++dups;
  };

  std::vector<leakguard::go_handle> threads;
  for (int p = 0; p < producers; ++p)
    threads.push_back(leakguard::go([&, p] {
      leakguard::defer done([&] { attempted_done[p] = 1; });
      auto st = prod_stop[p].get_token();
      for (int i = 0; i < per; ++i) {
        std::uint64_t id = static_cast<std::uint64_t>(p) * per + i;
        attempted[p] = i + 1;
        std::uint64_t v = id;
        op_status s;
        if (use_select && (i & 1)) {
          std::uint64_t w = id;
          auto r = leakguard::select(st, leakguard::send_case(ch, std::move(w)));
          s = r.status;
          if (s != op_status::delivered) {
            EXPECT_EQ(w, id);  // value kept
          }
        } else {
          s = ch.push(std::move(v), st).status;
          if (s != op_status::delivered) {
            EXPECT_EQ(v, id);
          }
        }
        if (s == op_status::delivered) continue;
        mark(id, 2);
        ++returned;
        if (s == op_status::closed || s == op_status::stopped) return;
        ADD_FAILURE() << "unexpected status " << leakguard::to_string(s);
      }
    }));
  for (int c = 0; c < consumers; ++c)
    threads.push_back(leakguard::go([&, c] {
      auto st = cons_stop[c].get_token();
      for (;;) {
        std::optional<std::uint64_t> got;
        if (use_select && (c & 1)) {
          std::optional<std::uint64_t> other;
          auto r = leakguard::select(st, leakguard::recv_case(ch, got),
                                     leakguard::recv_case(side, other));
          if (r.index == 1) {
            ADD_FAILURE() << "side channel fired";
            return;
          }
          if (!r.delivered()) return;  // closed or stopped
        } else {
          auto r = ch.pop(st);
          if (!r) return;
          got = std::move(r.value);
        }
        mark(*got, 1);
        ++received;
      }
    }));

  // Chaos: at random points of progress stop two producers and up to three
  // consumers (never all of them), and in half the runs close the channel
  // early, while producers are still sending.
  std::mt19937 rng(seed);
  const std::uint64_t total = static_cast<std::uint64_t>(per) * producers;
  struct event {
    std::uint64_t at;
    int what;  // 0 stop producer, 1 stop consumer, 2 close
    int who;
  };
  std::vector<event> events;
  for (int k = 0; k < 2; ++k) events.push_back({rng() % total, 0, static_cast<int>(rng() % producers)});
  for (int k = 0; k < 3; ++k)
    events.push_back({rng() % total, 1, static_cast<int>(rng() % (consumers - 1))});
  if (rng() % 2) events.push_back({total / 4 + rng() % (total / 2), 2, 0});
  std::sort(events.begin(), events.end(), [](auto& a, auto& b) { return a.at < b.at; });
  auto finished = [&] {
    for (int p = 0; p < producers; ++p)
      if (threads[p].joinable() && attempted_done[p].load() == 0) return false;
    return true;
  };
  for (const event& e : events) {
    while (received.load() + returned.load() < e.at && !finished()) std::this_thread::yield();
    if (e.what == 0) prod_stop[e.who].request_stop();
    if (e.what == 1) cons_stop[e.who].request_stop();
    if (e.what == 2) ch.close();
  }
  // Producers end on their own (all sent, stopped or closed); then the
  // single closer closes if nobody did, and consumers drain and end.
  for (int p = 0; p < producers; ++p) threads[p].join();
  if (!ch.is_closed()) ch.close();
  for (std::size_t i = producers; i < threads.size(); ++i) threads[i].join();

  std::uint64_t drained = 0;
  while (auto r = ch.try_pop()) {  // left over if every consumer was stopped
    mark(*r, 1);
    ++drained;
  }
  EXPECT_EQ(dups.load(), 0u);
  std::uint64_t attempted_total = 0;
  for (int p = 0; p < producers; ++p) {
    attempted_total += attempted[p];
    for (int i = 0; i < attempted[p]; ++i)
      ASSERT_NE(state[static_cast<std::size_t>(p) * per + i].load(), 0)
          << "item " << p << "/" << i << " lost";
  }
  EXPECT_EQ(received.load() + drained + returned.load(), attempted_total);
  EXPECT_EQ(h.blocked_total(), 0);  // nobody left parked
}

constexpr int kItems = 100'000 / probe::scale_div;

}  // namespace

TEST(Stress, UnbufferedRandomCancelAndClose) {
  for (unsigned seed = 1; seed <= 3; ++seed) run_channel_stress(0, 8, 8, kItems, seed, false);
}

TEST(Stress, BufferedRandomCancelAndClose) {
  for (unsigned seed = 11; seed <= 13; ++seed) run_channel_stress(16, 8, 8, kItems, seed, false);
}

TEST(Stress, SelectRandomCancelAndClose) {
  for (unsigned seed = 21; seed <= 22; ++seed) run_channel_stress(4, 8, 8, kItems, seed, true);
}

TEST(Stress, CleanRunDeliversEverything) {
  leakguard::channel<int> ch(8);
  leakguard::wait_group wg;
  std::atomic<long> sum{0};
  const int per = kItems / 8;
  std::vector<leakguard::go_handle> consumers;
  for (int c = 0; c < 8; ++c)
    consumers.push_back(leakguard::go([&] {
      for (int v : ch) sum += v;
    }));
  std::vector<leakguard::go_handle> producers;
  for (int p = 0; p < 8; ++p) {
    wg.add(1);
    producers.push_back(leakguard::go([&] {
      leakguard::defer d([&] { wg.done(); });
      for (int i = 1; i <= per; ++i) ch.push(i);
    }));
  }
  wg.wait();
  ch.close();  // the single closer, after every producer
  consumers.clear();
  EXPECT_EQ(sum.load(), 8L * per * (per + 1) / 2);
}

TEST(Stress, WeightedSemaphoreWithCancellation) {
  leakguard::weighted_semaphore sem(10);
  std::atomic<long> held{0};
  std::atomic<bool> over{false};
  std::vector<leakguard::go_handle> ts;
  std::vector<std::stop_source> stops(8);
  for (int t = 0; t < 8; ++t)
    ts.push_back(leakguard::go([&, t] {
      std::mt19937 rng(t);
      for (int k = 0; k < 4000 / probe::scale_div; ++k) {
        const std::ptrdiff_t n = 1 + rng() % 6;
        std::stop_source local;
        if (rng() % 4 == 0) local.request_stop();
        if (!sem.acquire(n, k % 2 ? local.get_token() : stops[t].get_token())) continue;
        if (held.fetch_add(n) + n > 10) over = true;
        held.fetch_sub(n);
        sem.release(n);
      }
    }));
  std::this_thread::sleep_for(2ms);
  stops[0].request_stop();
  stops[3].request_stop();
  ts.clear();
  EXPECT_FALSE(over.load());
  EXPECT_EQ(sem.available(), 10);
}

TEST(Stress, WaitGroupWithStoppedWaiters) {
  for (int round = 0; round < 200 / probe::scale_div + 10; ++round) {
    leakguard::wait_group wg;
    std::stop_source src;
    wg.add(4);
    std::vector<leakguard::go_handle> ts;
    for (int i = 0; i < 4; ++i) ts.push_back(leakguard::go([&] { wg.done(); }));
    auto waiter = leakguard::go([&] { (void)wg.wait(src.get_token()); });
    if (round % 2) src.request_stop();
    wg.wait();
    ts.clear();
    waiter.join();
  }
}
