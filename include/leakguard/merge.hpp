// leakguard/merge.hpp - fan-in: many input channels into one output, closed
// once by a single closer (the seed's `merge`).
//
//   auto out = leakguard::merge(ctx, {&a, &b, &c});
//   for (int v : out) use(v);       // ends when a, b and c are all closed
//
// Contract:
//  * One forwarder thread per input moves values from it to the output
//    until the input is closed and drained, or the context is done. The
//    forwarders never close anything. One closer closes the output exactly
//    once, after every forwarder finished (`wg.wait(); out.close()`).
//  * The inputs stay owned by their producers, who close them; merge only
//    reads. They must outlive the returned stage.
//  * Stop-aware: every forwarder push/pop passes the stage's context, so
//    cancelling ctx (or destroying the returned stage, or stop()) ends the
//    forwarders even when nobody reads the output any more; a value a
//    forwarder holds at that moment is dropped.
//  * Order: values of one input keep their order; inputs interleave
//    arbitrarily.
//  * The result is a stage<T> (pipeline.hpp): range-for it, read out(),
//    destroy it to cancel and join.
//
// Fan-out, the other half of the seed's fanin-fanout example, is
// leakguard::fan_out (pipeline.hpp): N workers over one channel, each with
// its own output - merge those outputs to fan back in.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <stdexcept>
#include <utility>
#include <vector>

#include "leakguard/channel.hpp"
#include "leakguard/context.hpp"
#include "leakguard/pipeline.hpp"

namespace leakguard {

template <class T>
stage<T> merge(const context& ctx, std::vector<channel<T>*> inputs, stage_options o = {},
    std::source_location where = std::source_location::current()) {
  for (channel<T>* in : inputs)
    if (!in) throw std::invalid_argument("leakguard::merge: null input channel");
  detail::stage_builder<T> b(ctx, 1, o, where);
  auto& s = b.state();
  for (channel<T>* in : inputs)
    b.spawn([&s, in] {
      const std::stop_token st = s.ctx.token();
      for (;;) {
        auto v = in->pop(st);
        if (!v) return;
        if (!s.outs[0]->push(std::move(*v), st)) return;
      }
    });
  return b.finish();
}

template <class T>
stage<T> merge(const context& ctx, std::initializer_list<channel<T>*> inputs,
               stage_options o = {},
    std::source_location where = std::source_location::current()) {
  return merge(ctx, std::vector<channel<T>*>(inputs), std::move(o), where);
}

// Merges every output of a multi-output stage (e.g. one made by fan_out).
template <class T>
stage<T> merge(const context& ctx, stage<T>& branches, stage_options o = {},
    std::source_location where = std::source_location::current()) {
  std::vector<channel<T>*> inputs;
  for (std::size_t i = 0; i < branches.outputs(); ++i) inputs.push_back(&branches.out(i));
  return merge(ctx, std::move(inputs), std::move(o), where);
}

}  // namespace leakguard
