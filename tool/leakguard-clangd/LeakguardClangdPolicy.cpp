//===--- LeakguardClangdPolicy.cpp - leakguard checks on by default -------===//
//
// clangd decides per check whether it runs in the editor:
//
//  * isFastTidyCheck(name) answers from a table generated from measurements
//    of upstream checks (clangd's TidyFastChecks.inc). Under the default
//    `FastCheckFilter: Strict` a check missing from the table never runs, so
//    a stock clangd with leakguard linked in would drop every leakguard-*
//    check silently. The leakguard checks are plain AST matchers; they are
//    declared fast here; test/tools checks that clangd's own per-check timer
//    (`--check-tidy-time`) finds and runs every one of them, and
//    bench/tidy_cost.py holds their cost to 5% of a parse in instructions.
//  * provideDefaultChecks() enables a short list of checks when no
//    .clang-tidy or .clangd names any; leakguard-* is added to that list so a
//    project with no configuration at all still sees leakguard's diagnostics.
//    A project that configures its checks keeps exactly what it configured.
//
// Both are wrapped with the linker's --wrap (see CMakeLists.txt): clangd's own
// callers reach the __wrap_ functions below, which defer to the real ones
// (__real_) for everything that is not leakguard's.
//
//===----------------------------------------------------------------------===//

#include "ClangdEntryPoints.h"

using clang::clangd::TidyProviderRef;

// The mangled names are those of clang::clangd::isFastTidyCheck(llvm::StringRef)
// and clang::clangd::provideDefaultChecks().
std::optional<bool> realIsFastTidyCheck(llvm::StringRef Check) __asm__(
    "__real__ZN5clang6clangd15isFastTidyCheckEN4llvm9StringRefE");
std::optional<bool> wrapIsFastTidyCheck(llvm::StringRef Check) __asm__(
    "__wrap__ZN5clang6clangd15isFastTidyCheckEN4llvm9StringRefE");
TidyProviderRef realProvideDefaultChecks() __asm__(
    "__real__ZN5clang6clangd20provideDefaultChecksEv");
TidyProviderRef wrapProvideDefaultChecks() __asm__(
    "__wrap__ZN5clang6clangd20provideDefaultChecksEv");

namespace {
constexpr llvm::StringLiteral LeakguardPrefix = "leakguard-";
constexpr llvm::StringLiteral LeakguardGlob = "leakguard-*";
} // namespace

std::optional<bool> wrapIsFastTidyCheck(llvm::StringRef Check) {
  if (Check.starts_with(LeakguardPrefix))
    return true;
  return realIsFastTidyCheck(Check);
}

TidyProviderRef wrapProvideDefaultChecks() {
  static const TidyProviderRef Upstream = realProvideDefaultChecks();
  static const auto WithLeakguard = [](clang::tidy::ClangTidyOptions &Opts,
                                       llvm::StringRef File) {
    bool Configured = Opts.Checks && !Opts.Checks->empty();
    Upstream(Opts, File);
    if (!Configured && Opts.Checks)
      *Opts.Checks = (llvm::Twine(*Opts.Checks) + "," + LeakguardGlob).str();
  };
  return WithLeakguard;
}
