//===--- SingleCloserCheck.cpp - leakguard-single-closer ---===//

#include "SingleCloserCheck.h"

using namespace clang::ast_matchers;

namespace clang::tidy::leakguard {

SingleCloserCheck::SingleCloserCheck(StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context) {}

void SingleCloserCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {}

void SingleCloserCheck::registerMatchers(MatchFinder *Finder) {}

void SingleCloserCheck::check(const MatchFinder::MatchResult &Result) {}

} // namespace clang::tidy::leakguard
