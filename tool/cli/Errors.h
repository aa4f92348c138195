//===--- Errors.h - the CLI's exit codes and its one-line failures --------===//
#pragma once

#include <stdexcept>
#include <string>

namespace leakguard::cli {

// Documented in docs/cli.md; keep the two in step.
enum ExitCode : int {
  ExitOk = 0,           // nothing to report (under --fail-on)
  ExitFindings = 1,     // findings that --fail-on says fail the run
  ExitUsage = 2,        // bad command line
  ExitInput = 3,        // unusable input: compile_commands.json, a path, a baseline or report
  ExitAnalysis = 4,     // some translation unit could not be analysed (compile errors, crash)
  ExitInterrupted = 130 // Ctrl-C / SIGTERM: partial results were written
};

// Thrown anywhere below main(); main prints "leakguard: error: <what>" and
// exits with Code. Never carries more than one line.
class CliError : public std::runtime_error {
public:
  CliError(ExitCode Code, const std::string &Message)
      : std::runtime_error(Message), Code(Code) {}
  ExitCode Code;
};

} // namespace leakguard::cli
