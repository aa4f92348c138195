// Pattern helpers of the real library whose callable runs once per item or
// per worker (include/leakguard/worker_pool.hpp, pipeline.hpp), in the
// shape leakguard-single-closer's tests need.
#pragma once
#include <leakguard/leakguard.hpp>
#include <cstddef>

namespace leakguard {
template <class In, class F>
void start_workers(const context &ctx, std::size_t workers, channel<In> &jobs,
                   F fn) {}
} // namespace leakguard
