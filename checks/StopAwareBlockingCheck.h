//===--- StopAwareBlockingCheck.h - leakguard-stop-aware-blocking ---===//
//
// See docs/checks/leakguard-stop-aware-blocking.md.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_STOPAWAREBLOCKINGCHECK_H
#define LEAKGUARD_CHECKS_STOPAWAREBLOCKINGCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "utils/AnalysisScope.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include <string>
#include <vector>

namespace clang::tidy::leakguard {

/// Flags a blocking call (channel push/pop and range-for, semaphore acquire,
/// wait_group/condition-variable wait, this_thread sleeps, and user-listed
/// functions) that ignores a cancellation handle in scope, and a call to a
/// helper of the translation unit that takes no handle and blocks without one.
class StopAwareBlockingCheck : public ClangTidyCheck {
public:
  StopAwareBlockingCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;

  /// A blocking member function or free function, as a qualified name
  /// ("leakguard::semaphore::acquire", "std::this_thread::sleep_for").
  struct BlockingEntry {
    std::string Owner; ///< Class (for a member) or namespace qualifier.
    std::string Name;  ///< The function's own name.
  };

private:
  friend class StopAwareBodyWalker;

  std::string RawStopHandleTypes;
  std::string RawChannelTypes;
  std::string RawBlockingFunctions;
  std::string RawFollowHelpers;
  std::vector<std::string> StopHandleTypes;
  std::vector<std::string> ChannelTypes;
  std::vector<BlockingEntry> BlockingFunctions;
  bool FollowHelpers = true;

  /// Where a helper (a user function with no stop-handle parameter) blocks
  /// without a handle: the first such statement in its body, directly or
  /// through a call to another such helper. Site == nullptr: it does not.
  struct HelperBlock {
    const Stmt *Site = nullptr;
    std::string Blocking;                 ///< The blocking operation, e.g. 'ch.push'.
    const FunctionDecl *Through = nullptr; ///< The helper Site calls, if indirect.
  };
  /// Per translation unit; an entry is made before the body is searched, so
  /// a recursive helper ends the search (as "does not block").
  llvm::DenseMap<const FunctionDecl *, HelperBlock> HelperBlocks;

  utils::AnalysisScope Scope;
  llvm::DenseSet<const Decl *> AnalysedRoots;
  llvm::DenseSet<const void *> Reported;
};

} // namespace clang::tidy::leakguard

#endif
