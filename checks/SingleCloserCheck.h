//===--- SingleCloserCheck.h - leakguard-single-closer ---===//
//
// See docs/checks/leakguard-single-closer.md.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_SINGLECLOSERCHECK_H
#define LEAKGUARD_CHECKS_SINGLECLOSERCHECK_H

#include "clang-tidy/ClangTidyCheck.h"

namespace clang::tidy::leakguard {

class SingleCloserCheck : public ClangTidyCheck {
public:
  SingleCloserCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace clang::tidy::leakguard

#endif
