// test/tools: the buggy twins' own tracker_confirm.hpp, plus one thing - when
// LEAKGUARD_REPORT_JSON names a file, buggy::report() appends the tracker's
// report to it as one JSON line (leak_report::json()) before it prints the
// usual text. This directory comes first on the include path of the
// `tools-twin-*` builds, so the twins' sources are compiled unchanged and
// `leakguard confirm` gets real runtime reports to read.
#pragma once

#include <leakguard/leakcheck.hpp>

#include <cstdlib>
#include <fstream>

#define report report_without_json_
#include_next "buggy/tracker_confirm.hpp"
#undef report

namespace buggy {

inline int report(bool confirmed, const leakguard::leak_report& r, const char* what) {
  if (const char* path = std::getenv("LEAKGUARD_REPORT_JSON"); path && *path) {
    std::ofstream out(path, std::ios::app);
    out << r.json() << '\n';
  }
  return report_without_json_(confirmed, r, what);
}

}  // namespace buggy
