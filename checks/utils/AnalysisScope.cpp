//===--- AnalysisScope.cpp ------------------------------------------------===//

#include "AnalysisScope.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"

namespace clang::tidy::leakguard::utils {

AnalysisScope::AnalysisScope(ClangTidyContext *Context) {
  const ClangTidyOptions &Opts = Context->getOptions();
  if (Opts.HeaderFilterRegex && !Opts.HeaderFilterRegex->empty())
    HeaderFilter = std::make_unique<llvm::Regex>(*Opts.HeaderFilterRegex);
  if (Opts.ExcludeHeaderFilterRegex && !Opts.ExcludeHeaderFilterRegex->empty())
    ExcludeHeaderFilter =
        std::make_unique<llvm::Regex>(*Opts.ExcludeHeaderFilterRegex);
}

bool AnalysisScope::shouldAnalyze(SourceLocation Loc,
                                  const SourceManager &SM) {
  if (Loc.isInvalid())
    return false;
  Loc = SM.getExpansionLoc(Loc);
  FileID File = SM.getFileID(Loc);
  auto [It, Inserted] = Cache.try_emplace(File, false);
  if (!Inserted)
    return It->second;
  bool Result = false;
  if (File == SM.getMainFileID()) {
    Result = true;
  } else if (!SM.isInSystemHeader(Loc) && HeaderFilter) {
    if (OptionalFileEntryRef Entry = SM.getFileEntryRefForID(File)) {
      StringRef Name = Entry->getName();
      Result = HeaderFilter->match(Name) &&
               !(ExcludeHeaderFilter && ExcludeHeaderFilter->match(Name));
    }
  }
  It->second = Result;
  return Result;
}

} // namespace clang::tidy::leakguard::utils
