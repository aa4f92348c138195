//===--- SingleCloserCheck.h - leakguard-single-closer ---===//
//
// See docs/checks/leakguard-single-closer.md.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_SINGLECLOSERCHECK_H
#define LEAKGUARD_CHECKS_SINGLECLOSERCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "utils/AnalysisScope.h"
#include "utils/ChannelOps.h"
#include "llvm/ADT/DenseMap.h"
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace clang::tidy::leakguard {

namespace single_closer {
struct Model;
struct Config;
} // namespace single_closer

/// Flags a `close()` of a channel by something other than its single owner:
/// a callable started more than once, a receiver, a second close on one
/// path, or a close while producers this function started may still send.
class SingleCloserCheck : public ClangTidyCheck {
public:
  SingleCloserCheck(StringRef Name, ClangTidyContext *Context);
  ~SingleCloserCheck() override;
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override;

  /// One diagnostic waiting for the end of the translation unit, so that a
  /// close found by several rules (possibly from several functions) is
  /// reported once, by the most specific rule.
  struct Finding {
    unsigned Rule = 0;
    SourceLocation Loc;
    std::string Message;
    std::string Name;
    std::vector<std::pair<SourceLocation, std::string>> Notes;
    std::vector<FixItHint> Fixes;
  };

private:
  const single_closer::Model &functionModel(const FunctionDecl *FD,
                                            ASTContext &Ctx);

  const std::string RawChannelTypes;
  const std::string RawSpawners;
  std::unique_ptr<single_closer::Config> Cfg;
  utils::AnalysisScope Scope;
  llvm::DenseMap<const FunctionDecl *, std::unique_ptr<single_closer::Model>>
      FunctionModels;
  std::map<std::pair<unsigned, unsigned>, Finding> Findings;
  const SourceManager *SM = nullptr;
};

} // namespace clang::tidy::leakguard

#endif
