//===--- LeakguardMain.cpp - the `leakguard` command ----------------------===//

#include "Analyze.h"
#include "Commands.h"
#include "Errors.h"
#include "Options.h"

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#ifndef LEAKGUARD_VERSION
#define LEAKGUARD_VERSION "0.0.0"
#endif

namespace clang::tidy {
// Keeps the leakguard module (checks/LeakguardTidyModule.cpp) in the link.
extern volatile int LeakguardModuleAnchorSource;
[[maybe_unused]] static int LeakguardModuleAnchorDestination = LeakguardModuleAnchorSource;
} // namespace clang::tidy

using namespace leakguard::cli;

int main(int argc, char **argv) {
  std::vector<std::string> Args(argv + 1, argv + argc);
  try {
    if (Args.empty()) {
      std::fputs(UsageText, stderr);
      return ExitUsage;
    }
    const std::string Cmd = Args.front();
    Args.erase(Args.begin());
    if (Cmd == "--help" || Cmd == "-h" || Cmd == "help") {
      std::fputs(UsageText, stdout);
      return ExitOk;
    }
    if (Cmd == "--version") {
      std::printf("leakguard %s (clang-tidy %s)\n", LEAKGUARD_VERSION, LEAKGUARD_LLVM_VERSION);
      return ExitOk;
    }
    for (const std::string &A : Args)
      if (A == "--help" || A == "-h") {
        std::fputs(UsageText, stdout);
        return ExitOk;
      }
    if (Cmd == "check") {
      CheckOptions Opts = parseCheck(Args);
      initializeAnalysis();
      return runCheck(Opts);
    }
    if (Cmd == "confirm")
      return runConfirm(parseConfirm(Args));
    throw CliError(ExitUsage, "unknown command '" + Cmd + "' (known: check, confirm; see leakguard --help)");
  } catch (const CliError &E) {
    std::fprintf(stderr, "leakguard: error: %s\n", E.what());
    return E.Code;
  } catch (const std::exception &E) {
    std::fprintf(stderr, "leakguard: error: %s\n", E.what());
    return ExitInput;
  }
}
