//===--- DeferredReleaseCheck.h - leakguard-deferred-release ---===//
//
// See docs/checks/leakguard-deferred-release.md.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_DEFERREDRELEASECHECK_H
#define LEAKGUARD_CHECKS_DEFERREDRELEASECHECK_H

#include "clang-tidy/ClangTidyCheck.h"

namespace clang::tidy::leakguard {

class DeferredReleaseCheck : public ClangTidyCheck {
public:
  DeferredReleaseCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace clang::tidy::leakguard

#endif
