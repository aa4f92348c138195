// leakguard/leakcheck/gtest.hpp - GoogleTest glue for the leak tracker.
//
// One line in main (or link leakguard::leakguard_gtest_main instead of
// GTest::gtest_main):
//
//   leakguard::install_gtest_listener();
//
// After every test (after its fixture's TearDown) the listener runs
// find_leaks() with a baseline taken when the test started, and fails THAT
// test with the report: the listener is appended after the default printer,
// and GoogleTest delivers OnTestEnd to listeners in reverse order, so the
// failure is recorded before the printer prints the test's verdict.
//
// Per-suite mode (per_suite("Name") or LEAKGUARD_PER_SUITE=A,B) moves the
// check to the end of the suite's last test, for suites that deliberately
// share threads between their tests; the baseline is then taken when the
// suite's first test starts.
//
// Zombies (leaked threads still running): the default policy fails the
// leaking test, then keeps going and ignores those threads from then on (they
// are in later tests' baselines). zombie_policy::abort prints the report and
// ends the process with exit status 1 at once, skipping the remaining tests
// and every static destructor a leaked thread might hang.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include <leakguard/leakcheck.hpp>

namespace leakguard {

enum class zombie_policy { keep_going, abort };

class gtest_listener : public ::testing::EmptyTestEventListener {
 public:
  explicit gtest_listener(leak_options base = {}) : base_(std::move(base)) {}

  // Check SUITE once, when its last test ends.
  gtest_listener& per_suite(std::string suite) {
    per_suite_.insert(std::move(suite));
    return *this;
  }
  // Every suite in per-suite mode.
  gtest_listener& per_suite_all(bool on = true) {
    all_per_suite_ = on;
    return *this;
  }
  gtest_listener& on_leak(zombie_policy p) {
    policy_ = p;
    return *this;
  }
  gtest_listener& configure_from_env() {
    if (const char* e = std::getenv("LEAKGUARD_PER_SUITE"); e && *e) {
      std::stringstream ss(e);
      std::string s;
      while (std::getline(ss, s, ','))
        if (s == "*") all_per_suite_ = true;
        else if (!s.empty()) per_suite_.insert(s);
    }
    if (const char* e = std::getenv("LEAKGUARD_ZOMBIES"); e && std::string(e) == "abort")
      policy_ = zombie_policy::abort;
    return *this;
  }

  // Number of tests this listener failed.
  int failures() const noexcept { return failures_; }

  void OnTestSuiteStart(const ::testing::TestSuite& s) override {
    ended_in_suite_ = 0;
    if (suite_mode(s.name())) baseline_ = snapshot();
  }

  void OnTestStart(const ::testing::TestInfo& t) override {
    set_current_test(std::string(t.test_suite_name()) + "." + t.name());
    if (!suite_mode(t.test_suite_name())) baseline_ = snapshot();
  }

  void OnTestEnd(const ::testing::TestInfo& t) override {
    ++ended_in_suite_;
    const std::string name = std::string(t.test_suite_name()) + "." + t.name();
    std::string label = "test " + name;
    if (suite_mode(t.test_suite_name())) {
      const ::testing::TestSuite* s = ::testing::UnitTest::GetInstance()->current_test_suite();
      if (s && ended_in_suite_ < s->test_to_run_count()) return;
      label = "suite " + std::string(t.test_suite_name()) + " (last test " + name + ")";
    }
    leak_options opts = baseline_;
    opts.checked_in(label);
    leak_report r = find_leaks(opts);
    set_current_test("");
    if (r.empty()) return;
    ++failures_;
    std::string file = __FILE__;
    int line = __LINE__;
    for (const thread_leak& l : r.threads) {
      if (l.blocked_on && l.blocked_on->line) {
        file = l.blocked_on->file;
        line = static_cast<int>(l.blocked_on->line);
        break;
      }
      if (l.started_line) {
        file = l.started_file;
        line = static_cast<int>(l.started_line);
        break;
      }
    }
    ADD_FAILURE_AT(file.c_str(), line) << "leakguard: " << label << " leaked\n" << r.text();
    if (policy_ == zombie_policy::abort) {
      std::cerr << "leakguard: " << label << " leaked; aborting the run (zombie policy)\n"
                << r.text();
      std::cerr.flush();
      std::fflush(nullptr);
      std::_Exit(1);
    }
  }

 private:
  bool suite_mode(const char* suite) const {
    return all_per_suite_ || per_suite_.count(suite) != 0;
  }
  leak_options snapshot() const {
    leak_options o = base_;
    o.ignore_current();
    return o;
  }

  leak_options base_;
  leak_options baseline_;
  std::set<std::string> per_suite_;
  bool all_per_suite_ = false;
  zombie_policy policy_ = zombie_policy::keep_going;
  int ended_in_suite_ = 0;
  int failures_ = 0;
};

// Appends a listener (GoogleTest owns it) and returns it for configuration.
inline gtest_listener& install_gtest_listener(leak_options base = {}) {
  auto* l = new gtest_listener(std::move(base));
  ::testing::UnitTest::GetInstance()->listeners().Append(l);
  return *l;
}

}  // namespace leakguard
