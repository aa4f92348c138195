//===--- StopAwareBlockingCheck.cpp - leakguard-stop-aware-blocking ---===//

#include "StopAwareBlockingCheck.h"

using namespace clang::ast_matchers;

namespace clang::tidy::leakguard {

StopAwareBlockingCheck::StopAwareBlockingCheck(StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context) {}

void StopAwareBlockingCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {}

void StopAwareBlockingCheck::registerMatchers(MatchFinder *Finder) {}

void StopAwareBlockingCheck::check(const MatchFinder::MatchResult &Result) {}

} // namespace clang::tidy::leakguard
