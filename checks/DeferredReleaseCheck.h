//===--- DeferredReleaseCheck.h - leakguard-deferred-release ---===//
//
// See docs/checks/leakguard-deferred-release.md.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_DEFERREDRELEASECHECK_H
#define LEAKGUARD_CHECKS_DEFERREDRELEASECHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "utils/AnalysisScope.h"
#include "utils/SemaphoreFlow.h"
#include <memory>
#include <string>
#include <vector>

namespace clang::tidy::leakguard {

/// Flags a semaphore acquire that some path leaves without the matching
/// release (early exit, exception, loop), a release without a successful
/// acquire, and a spawned callable that releases a handed-over permit without
/// deferring it.
class DeferredReleaseCheck : public ClangTidyCheck {
public:
  DeferredReleaseCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  void reportLeak(const utils::LeakReport &L, const utils::FlowResult &R,
                  Stmt *Body, ASTContext &Ctx);
  void reportHandOff(const utils::HandOff &H, const utils::LeakReport &L);
  std::string nameOf(const utils::SemaphoreKey &K) const;

  std::vector<std::string> SemaphoreTypes;
  std::vector<std::string> GuardTypes;
  const bool CountExceptionPaths;
  std::unique_ptr<utils::SemaphoreModel> Model;
  utils::AnalysisScope Scope;
};

} // namespace clang::tidy::leakguard

#endif
