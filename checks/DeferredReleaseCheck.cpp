//===--- DeferredReleaseCheck.cpp - leakguard-deferred-release ---===//

#include "DeferredReleaseCheck.h"

using namespace clang::ast_matchers;

namespace clang::tidy::leakguard {

DeferredReleaseCheck::DeferredReleaseCheck(StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context) {}

void DeferredReleaseCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {}

void DeferredReleaseCheck::registerMatchers(MatchFinder *Finder) {}

void DeferredReleaseCheck::check(const MatchFinder::MatchResult &Result) {}

} // namespace clang::tidy::leakguard
