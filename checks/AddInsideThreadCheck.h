//===--- AddInsideThreadCheck.h - leakguard-add-inside-thread --*- C++ -*-===//
//
// Flags `wg.add(n)` on a wait group when it runs inside a callable that is
// started as a thread or task and the wait group is shared with the code
// that started it: the spawner's wait() may observe a zero counter and
// return before the task is counted (Go's "wg.Add before go").
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_ADDINSIDETHREADCHECK_H
#define LEAKGUARD_CHECKS_ADDINSIDETHREADCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "utils/AnalysisScope.h"
#include "utils/ChannelOps.h"
#include "llvm/ADT/DenseSet.h"
#include <string>

namespace clang::tidy::leakguard {

class AddInsideThreadCheck : public ClangTidyCheck {
public:
  AddInsideThreadCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override { Reported.clear(); }

  /// The types and spawners the check knows (built-ins plus options).
  struct Config {
    utils::QualifiedNameSet WaitGroupTypes;
    utils::QualifiedNameSet ThreadTypes;
    utils::QualifiedNameSet SpawnFunctions;
  };

private:
  const std::string RawWaitGroupTypes;
  const std::string RawSpawners;
  Config Cfg;
  utils::AnalysisScope Scope;
  llvm::DenseSet<const Expr *> Reported;
};

} // namespace clang::tidy::leakguard

#endif
