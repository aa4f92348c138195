// leakguard/bounded_map.hpp - an order-preserving parallel map with at most
// `limit` calls in flight (the seed's boundedmap exercise).
//
//   auto [ctx, cancel] = leakguard::with_timeout(leakguard::background(), 2s);
//   auto r = leakguard::bounded_map(ctx, urls, 8,
//                                   [](const std::string& u, std::stop_token st) {
//                                     return fetch(u, st);
//                                   });
//   if (r.error == leakguard::errc::deadline_exceeded) ...
//   for (auto& page : r.values()) ...          // input order
//
// Contract:
//  * fn(input) or fn(input, std::stop_token) is called once per input
//    element that gets started, from at most `limit` threads at once
//    (limit 0 is treated as 1). Results land in index-addressed slots:
//    result i belongs to input i, whatever order the calls finish in. Each
//    slot is written by exactly one thread and read only after every worker
//    has been joined, so the results need no lock.
//  * Cancellation / deadline: workers check the context before starting
//    each element and pass its token to fn; once ctx is done no new element
//    starts, and bounded_map returns (after joining) with error = ctx.err()
//    (errc::canceled or errc::deadline_exceeded). Elements that never ran
//    (or whose fn noticed the stop and threw) have empty slots.
//  * First exception wins: it cancels the remaining work (a child context)
//    and is rethrown from bounded_map after every worker was joined.
//  * bounded_map blocks the caller and leaves no thread behind.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <ranges>
#include <stop_token>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "leakguard/context.hpp"
#include "leakguard/go.hpp"

namespace leakguard {

template <class Out>
struct map_result {
  // Slot i: the result for input i, empty if it was not computed.
  std::vector<std::optional<Out>> slots;
  // Empty if every element was computed; else the context's err().
  std::error_code error;

  explicit operator bool() const noexcept { return !error; }
  bool ok() const noexcept { return !error; }
  // The results in input order. Precondition: ok() (throws
  // std::bad_optional_access on a missing slot otherwise).
  std::vector<Out> values() const& {
    std::vector<Out> out;
    out.reserve(slots.size());
    for (const auto& s : slots) out.push_back(s.value());
    return out;
  }
  std::vector<Out> values() && {
    std::vector<Out> out;
    out.reserve(slots.size());
    for (auto& s : slots) out.push_back(std::move(s).value());
    return out;
  }
};

namespace detail {
template <class F, class In>
decltype(auto) invoke_mapper(F& f, const In& in, const std::stop_token& st) {
  if constexpr (std::is_invocable_v<F&, const In&, std::stop_token>)
    return std::invoke(f, in, st);
  else
    return std::invoke(f, in);
}
template <class F, class In>
using mapper_result_t =
    std::conditional_t<std::is_invocable_v<F&, const In&, std::stop_token>,
                       std::invoke_result<F&, const In&, std::stop_token>,
                       std::invoke_result<F&, const In&>>::type;
}  // namespace detail

template <std::ranges::random_access_range R, class F>
  requires std::ranges::sized_range<R>
auto bounded_map(const context& ctx, const R& inputs, std::size_t limit, F fn)
    -> map_result<std::decay_t<detail::mapper_result_t<F, std::ranges::range_value_t<R>>>> {
  using In = std::ranges::range_value_t<R>;
  using Out = std::decay_t<detail::mapper_result_t<F, In>>;
  static_assert(!std::is_void_v<Out>, "bounded_map: fn must return a value");

  const std::size_t n = std::ranges::size(inputs);
  map_result<Out> result;
  result.slots.resize(n);
  if (n == 0) {
    result.error = ctx.err();
    return result;
  }

  auto [run_ctx, cancel] = with_cancel(ctx);
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  std::exception_ptr first;
  const std::size_t workers = std::min(n, std::max<std::size_t>(limit, 1));
  {
    std::vector<go_handle> threads;
    threads.reserve(workers);
    for (std::size_t w = 0; w < workers; ++w)
      threads.push_back(go(named("bounded_map"), [&] {
        const std::stop_token st = run_ctx.token();
        for (;;) {
          if (st.stop_requested()) return;
          const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
          if (i >= n) return;
          try {
            result.slots[i].emplace(
                detail::invoke_mapper(fn, std::ranges::begin(inputs)[static_cast<std::ptrdiff_t>(i)], st));
          } catch (...) {
            {
              std::lock_guard lk(mu);
              if (!first) first = std::current_exception();
            }
            cancel();
            return;
          }
        }
      }));
    for (go_handle& t : threads) t.join();
  }
  if (first) std::rethrow_exception(first);
  for (const auto& s : result.slots)
    if (!s) {
      result.error = ctx.err() ? ctx.err() : make_error_code(errc::canceled);
      break;
    }
  return result;
}

}  // namespace leakguard
