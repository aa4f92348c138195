//===--- Progress.h - a progress bar on a TTY, plain lines otherwise ------===//
#pragma once

#include "Options.h"

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace leakguard::cli {

class Progress {
public:
  Progress(std::size_t Total, ProgressMode Mode);
  // Called by the workers (thread-safe).
  void started(const std::string &File);
  void finished(const std::string &File, std::size_t Findings, bool Failed, double Seconds);
  // The bar's clock; called by the refresher task a few times a second.
  void redraw();
  // Erases the bar before the report is printed.
  void clear();
  bool isBar() const { return Mode == ProgressMode::Bar; }

private:
  void drawLocked();
  ProgressMode Mode;
  std::size_t Total, Done = 0, Findings = 0, Failed = 0;
  std::string Current;
  std::chrono::steady_clock::time_point Start = std::chrono::steady_clock::now();
  std::mutex Mu;
  bool Drawn = false;
};

// Path shown to people: relative to the current directory when under it.
std::string displayPath(const std::string &File);

} // namespace leakguard::cli
