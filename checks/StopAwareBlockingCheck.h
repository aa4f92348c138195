//===--- StopAwareBlockingCheck.h - leakguard-stop-aware-blocking ---===//
//
// See docs/checks/leakguard-stop-aware-blocking.md.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_STOPAWAREBLOCKINGCHECK_H
#define LEAKGUARD_CHECKS_STOPAWAREBLOCKINGCHECK_H

#include "clang-tidy/ClangTidyCheck.h"

namespace clang::tidy::leakguard {

class StopAwareBlockingCheck : public ClangTidyCheck {
public:
  StopAwareBlockingCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace clang::tidy::leakguard

#endif
