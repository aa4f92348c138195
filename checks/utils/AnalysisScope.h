//===--- AnalysisScope.h - which code a leakguard check analyses ----------===//
//
// The checks do flow analysis per function body, which is the expensive
// part. They analyse only bodies whose diagnostics clang-tidy would show:
// the main file, or a non-system header that matches the header filter
// (--header-filter / HeaderFilterRegex, minus ExcludeHeaderFilterRegex).
// Everything else is skipped before any CFG is built.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_UTILS_ANALYSISSCOPE_H
#define LEAKGUARD_CHECKS_UTILS_ANALYSISSCOPE_H

#include "clang-tidy/ClangTidyCheck.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Regex.h"
#include <memory>

namespace clang::tidy::leakguard::utils {

class AnalysisScope {
public:
  explicit AnalysisScope(ClangTidyContext *Context);

  /// True when diagnostics at \p Loc would be shown, so analysing the code
  /// there is worth its cost. Results are cached per file.
  bool shouldAnalyze(SourceLocation Loc, const SourceManager &SM);

private:
  std::unique_ptr<llvm::Regex> HeaderFilter;
  std::unique_ptr<llvm::Regex> ExcludeHeaderFilter;
  llvm::DenseMap<FileID, bool> Cache;
};

} // namespace clang::tidy::leakguard::utils

#endif
