//===--- DetachedThreadCheck.h - leakguard-detached-thread ----------------===//
//
// See docs/checks/leakguard-detached-thread.md.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_DETACHEDTHREADCHECK_H
#define LEAKGUARD_CHECKS_DETACHEDTHREADCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "utils/AnalysisScope.h"
#include "utils/ChannelOps.h"
#include "llvm/ADT/DenseSet.h"
#include <string>

namespace clang::tidy::leakguard {

/// Flags `detach()` on a thread (std::thread, std::jthread, ThreadTypes):
/// a detached thread has no owner that can stop it or wait for it. Also
/// flags a local std::thread started with a callable and never used again,
/// whose destructor calls std::terminate.
class DetachedThreadCheck : public ClangTidyCheck {
public:
  DetachedThreadCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;

private:
  friend class DetachedThreadWalker;

  std::string RawThreadTypes;
  std::string RawAllowedFunctions;
  utils::QualifiedNameSet ThreadTypes;
  utils::QualifiedNameSet AllowedFunctions;
  utils::AnalysisScope Scope;
  /// Spelling locations already reported: a template's pattern and its
  /// instantiations share them, so each diagnostic appears once.
  llvm::DenseSet<unsigned> Reported;
};

} // namespace clang::tidy::leakguard

#endif
