//===--- Progress.cpp -----------------------------------------------------===//

#include "Progress.h"

#include <cstdio>
#include <sys/ioctl.h>
#include <unistd.h>

namespace leakguard::cli {

namespace {
std::string cwdPrefix() {
  char Buf[4096];
  if (!::getcwd(Buf, sizeof Buf))
    return "";
  std::string S(Buf);
  return S == "/" ? S : S + "/";
}

unsigned terminalWidth() {
  winsize W{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &W) == 0 && W.ws_col > 20)
    return W.ws_col;
  return 80;
}
} // namespace

std::string displayPath(const std::string &File) {
  static const std::string Prefix = cwdPrefix();
  if (!Prefix.empty() && File.compare(0, Prefix.size(), Prefix) == 0)
    return File.substr(Prefix.size());
  return File;
}

Progress::Progress(std::size_t Total, ProgressMode M) : Mode(M), Total(Total) {
  if (Mode == ProgressMode::Auto)
    Mode = ::isatty(STDERR_FILENO) ? ProgressMode::Bar : ProgressMode::Lines;
}

void Progress::started(const std::string &File) {
  std::lock_guard Lock(Mu);
  Current = displayPath(File);
  if (Mode == ProgressMode::Bar)
    drawLocked();
}

void Progress::finished(const std::string &File, std::size_t N, bool F, double Seconds) {
  std::lock_guard Lock(Mu);
  ++Done;
  Findings += N;
  Failed += F;
  if (Mode == ProgressMode::Lines) {
    std::fprintf(stderr, "[%zu/%zu] %s: %zu finding%s%s (%.1fs)\n", Done, Total,
                 displayPath(File).c_str(), N, N == 1 ? "" : "s", F ? ", NOT ANALYSED" : "",
                 Seconds);
    std::fflush(stderr);
  } else if (Mode == ProgressMode::Bar) {
    drawLocked();
  }
}

void Progress::redraw() {
  std::lock_guard Lock(Mu);
  if (Mode == ProgressMode::Bar)
    drawLocked();
}

void Progress::clear() {
  std::lock_guard Lock(Mu);
  if (Mode == ProgressMode::Bar && Drawn) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    Drawn = false;
  }
}

void Progress::drawLocked() {
  const unsigned Width = terminalWidth();
  const unsigned BarWidth = 24;
  const std::size_t Filled = Total ? Done * BarWidth / Total : BarWidth;
  const long Secs = static_cast<long>(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count());
  std::string Bar(Filled, '=');
  if (Filled < BarWidth)
    Bar += '>' + std::string(BarWidth - Filled - 1, ' ');
  char Head[160];
  std::snprintf(Head, sizeof Head, "[%s] %zu/%zu %3zu%% %ld:%02ld %zu finding%s  ", Bar.c_str(),
                Done, Total, Total ? Done * 100 / Total : 100, Secs / 60, Secs % 60, Findings,
                Findings == 1 ? "" : "s");
  std::string Line = Head + Current;
  if (Line.size() >= Width)
    Line.resize(Width - 1);
  std::fprintf(stderr, "\r\033[K%s", Line.c_str());
  std::fflush(stderr);
  Drawn = true;
}

} // namespace leakguard::cli
