//===--- Analyze.h - compile_commands.json in, findings out ---------------===//
//
// The Clang side of `leakguard check`: loading the compilation database,
// choosing translation units (paths, shards), and running clang-tidy with the
// leakguard module in-process on one translation unit at a time. Everything
// here is safe to call from several threads at once for different units.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "Finding.h"

#include "clang/Tooling/CompilationDatabase.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace leakguard::cli {

struct TranslationUnit {
  std::string File; // absolute
  std::vector<clang::tooling::CompileCommand> Commands;
};

// Loads BuildDir/compile_commands.json. Throws CliError(ExitInput) with one
// clear line when it is missing, unreadable, malformed or empty.
std::vector<TranslationUnit> loadCompilationDatabase(const std::string &BuildDir);

// Keeps the units under any of Paths (files or directories; relative to the
// current directory). Throws CliError(ExitInput) for a path that does not
// exist or matches no unit.
std::vector<TranslationUnit> selectPaths(std::vector<TranslationUnit> Units,
                                         const std::vector<std::string> &Paths);

// Round-robin over the units sorted by path: shard K (1-based) of N.
std::vector<TranslationUnit> selectShard(std::vector<TranslationUnit> Units,
                                         unsigned K, unsigned N);

struct AnalysisOptions {
  std::optional<std::string> Checks;       // --checks, applied last
  std::optional<std::string> HeaderFilter; // --header-filter
  std::string ResourceDir;                 // clang's builtin headers, "" = Clang's default
};

struct UnitResult {
  std::string File;
  std::vector<Finding> Findings; // compiler errors included (Level "error")
  bool Failed = false;           // compile errors or a crash: analysis incomplete
  std::string FailureReason;     // one line when Failed
  double Seconds = 0;
};

// Runs the checks on one unit. Never throws; a crash inside Clang is caught
// (llvm::CrashRecoveryContext) and reported as a failed unit.
UnitResult analyzeUnit(const TranslationUnit &Unit, const AnalysisOptions &Opts);

// Call once from main() before any analyzeUnit().
void initializeAnalysis();

} // namespace leakguard::cli
