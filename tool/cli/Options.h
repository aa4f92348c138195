//===--- Options.h - the command line of `leakguard` ----------------------===//
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace leakguard::cli {

enum class FailOn { New, Any, None };
enum class ProgressMode { Auto, Bar, Lines, None };

struct CheckOptions {
  std::string BuildDir;               // -p; "" = look in . and ./build
  unsigned Jobs = 0;                  // -j; 0 = all cores
  std::optional<std::string> Sarif;   // --sarif FILE
  std::optional<std::string> Baseline;// --baseline FILE
  FailOn Fail = FailOn::New;          // --fail-on
  unsigned ShardK = 1, ShardN = 1;    // --shard K/N
  std::optional<std::string> Checks;  // --checks GLOB
  std::optional<std::string> HeaderFilter; // --header-filter REGEX
  std::string Root;                   // --root DIR; "" = current directory
  ProgressMode Progress = ProgressMode::Auto;
  bool ShowBaselined = false;         // --show-baselined
  std::vector<std::string> Paths;
};

struct ConfirmOptions {
  std::string Static;                 // --static FILE (SARIF from `leakguard check`)
  std::vector<std::string> Runtime;   // --runtime FILE... (leak tracker JSON)
  std::optional<std::string> Sarif;   // --sarif FILE: the static SARIF, confirmations marked
  bool FailOnUnpredicted = false;     // --fail-on-unpredicted
};

// Both throw CliError(ExitUsage) with one line on a bad command line.
CheckOptions parseCheck(const std::vector<std::string> &Args);
ConfirmOptions parseConfirm(const std::vector<std::string> &Args);

extern const char *const UsageText;

} // namespace leakguard::cli
