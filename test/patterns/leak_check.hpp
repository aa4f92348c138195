// Test helper: "no thread left behind". Takes a baseline of the threads
// alive when constructed; check() asks the leak tracker whether anything
// started since is still running (waiting, bounded, for threads that are
// just finishing). The context deadline timer and the signal watcher are
// library-owned, long-lived threads and are ignored.
#pragma once

#include <gtest/gtest.h>

#include <leakguard/leakcheck.hpp>

#include <chrono>
#include <string>

namespace pattern_test {

class no_leaks {
 public:
  no_leaks()
      : opts_(leakguard::ignore_current().max_wait(std::chrono::seconds(5))) {}

  // Empty report = nothing this test started is still running.
  ::testing::AssertionResult check() const {
    leakguard::leak_report r = leakguard::find_leaks(opts_);
    if (r.empty()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << r.text();
  }

 private:
  leakguard::leak_options opts_;
};

}  // namespace pattern_test
