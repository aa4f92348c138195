//===--- Sarif.h - SARIF 2.1.0 out (check) and in (baseline, confirm) -----===//
#pragma once

#include "Analyze.h"
#include "Finding.h"

#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <vector>

namespace leakguard::cli {

struct SarifRunInfo {
  std::string Root;               // absolute; files under it get relative URIs
  std::vector<UnitResult> Failed; // units that could not be analysed
  bool Interrupted = false;
  bool WithBaseline = false;      // emit baselineState
  std::optional<std::pair<unsigned, unsigned>> Shard;
};

// The SARIF log for Findings. GitHub code scanning needs: tool.driver.name and
// rules, ruleId, message.text, a physical location with a relative URI and a
// startLine; the rest is optional and used when known.
llvm::json::Value makeSarif(const std::vector<Finding> &Findings, const SarifRunInfo &Info);

// Writes Value to Path; throws CliError(ExitInput) when it cannot.
void writeJsonFile(const std::string &Path, const llvm::json::Value &Value);

// Reads and parses a JSON file; throws CliError(ExitInput) with one line.
llvm::json::Value readJsonFile(const std::string &Path, const std::string &What);

struct SarifResult {
  std::string RuleId, Level, Message, Fingerprint;
  Location Where;                 // File absolute when the log says where its root is
  std::vector<Location> Related;
  llvm::json::Object *Raw = nullptr; // the result object inside the parsed log
};

// The results of every run in a parsed SARIF log (pointers into Log).
// Throws CliError(ExitInput) when Log is not SARIF.
std::vector<SarifResult> sarifResults(llvm::json::Value &Log, const std::string &Path);

// A relative URI for File under Root, else an absolute file:// URI.
std::string fileUri(const std::string &File, const std::string &Root, bool &Relative);

} // namespace leakguard::cli
