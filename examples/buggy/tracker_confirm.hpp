// Shared by the buggy twins: ask the leak tracker about the scenario that
// just ran, print what it found (full report on stderr), and say whether it
// confirmed the bug the twin demonstrates.
#pragma once

#include <leakguard/leakcheck.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace buggy {

// The baseline: everything alive before the scenario is not the scenario's
// fault.
inline leakguard::leak_options baseline(std::chrono::milliseconds max_wait) {
  return leakguard::ignore_current().max_wait(max_wait);
}

// A thread blocked in OPERATION (e.g. "channel<int>::push"), "" = any
// leaked thread.
inline bool has_blocked_thread(const leakguard::leak_report& r, const std::string& operation) {
  for (const leakguard::thread_leak& t : r.threads) {
    if (operation.empty()) return true;
    if (t.blocked_on && t.blocked_on->operation == operation) return true;
  }
  return false;
}

// LEAKGUARD_REPORT_JSON=FILE also appends the report to FILE as one JSON
// line, for `leakguard confirm --runtime FILE` (tool/demo.py, test/tools).
inline int report(bool confirmed, const leakguard::leak_report& r, const char* what) {
  std::fprintf(stderr, "%s\n", r.text().c_str());
  if (const char* path = std::getenv("LEAKGUARD_REPORT_JSON"); path && *path) {
    if (std::FILE* f = std::fopen(path, "a")) {
      std::fputs(r.json().c_str(), f);
      std::fputc('\n', f);
      std::fclose(f);
    }
  }
  if (confirmed) {
    std::printf("CONFIRMED by the leak tracker: %s\n", what);
    return 0;
  }
  std::printf("NOT confirmed: the tracker did not report %s\n", what);
  return 1;
}

}  // namespace buggy
