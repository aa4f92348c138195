//===--- DeferredReleaseCheck.cpp - leakguard-deferred-release ---===//

#include "DeferredReleaseCheck.h"
#include "utils/TypeNames.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang::ast_matchers;

namespace clang::tidy::leakguard {

namespace {

const char *const BuiltinSemaphores[] = {
    "leakguard::semaphore", "leakguard::weighted_semaphore",
    "std::counting_semaphore"};
const char *const BuiltinGuards[] = {"leakguard::semaphore_guard",
                                     "leakguard::weighted_semaphore_guard",
                                     "leakguard::defer"};

/// Types whose permits are meant to be released by the code that acquired
/// them. `std::counting_semaphore` is just as often a signal (acquired by
/// one thread, released by another), so for it a function that never
/// releases is not reported.
bool isPermitType(llvm::StringRef Name) {
  return Name != "std::counting_semaphore";
}

bool isInInstantiation(const FunctionDecl *FD) {
  for (const DeclContext *DC = FD; DC; DC = DC->getParent()) {
    if (const auto *F = dyn_cast<FunctionDecl>(DC)) {
      if (F->isTemplateInstantiation())
        return true;
    } else if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(DC)) {
      if (Spec->getSpecializationKind() != TSK_ExplicitSpecialization)
        return true;
    } else if (const auto *RD = dyn_cast<CXXRecordDecl>(DC)) {
      if (RD->getInstantiatedFromMemberClass())
        return true;
    }
  }
  return false;
}

const char *jumpName(const Stmt *S) {
  switch (S->getStmtClass()) {
  case Stmt::ReturnStmtClass:
    return "return";
  case Stmt::BreakStmtClass:
    return "break";
  case Stmt::ContinueStmtClass:
    return "continue";
  case Stmt::GotoStmtClass:
  case Stmt::IndirectGotoStmtClass:
    return "goto";
  case Stmt::CXXThrowExprClass:
    return "throw";
  case Stmt::CoreturnStmtClass:
    return "co_return";
  default:
    return nullptr;
  }
}

std::string calleeName(const Stmt *S) {
  if (const auto *CE = dyn_cast<CallExpr>(S))
    if (const FunctionDecl *FD = CE->getDirectCallee())
      return FD->getNameAsString();
  if (const auto *CC = dyn_cast<CXXConstructExpr>(S))
    return CC->getType().getUnqualifiedType().getAsString();
  if (isa<CXXNewExpr>(S))
    return "new";
  return "the call";
}

bool onlyDefaultArgs(const CallExpr *C) {
  return llvm::all_of(C->arguments(), [](const Expr *A) {
    return isa<CXXDefaultArgExpr>(A);
  });
}

class NameUseFinder : public RecursiveASTVisitor<NameUseFinder> {
public:
  explicit NameUseFinder(llvm::StringRef Name) : Name(Name) {}
  bool VisitNamedDecl(NamedDecl *D) {
    if (D->getIdentifier() && D->getName() == Name)
      Found = true;
    return !Found;
  }
  bool VisitDeclRefExpr(DeclRefExpr *E) {
    if (E->getDecl()->getIdentifier() && E->getDecl()->getName() == Name)
      Found = true;
    return !Found;
  }
  llvm::StringRef Name;
  bool Found = false;
};

/// The statement of \p E in its compound statement, if \p E is a whole
/// expression statement directly inside one.
const CompoundStmt *statementParent(const ParentMap &PM, const Stmt *E,
                                    const Stmt *&AsStmt) {
  AsStmt = E;
  const Stmt *P = PM.getParent(E);
  while (P && isa<ExprWithCleanups>(P)) {
    AsStmt = P;
    P = PM.getParent(P);
  }
  return dyn_cast_or_null<CompoundStmt>(P);
}

/// Source range of a whole statement plus its semicolon; the whole line when
/// the statement is alone on it.
std::optional<CharSourceRange> statementRemovalRange(const Stmt *S,
                                                     const SourceManager &SM,
                                                     const LangOptions &LO) {
  SourceLocation Begin = S->getBeginLoc();
  SourceLocation End = Lexer::getLocForEndOfToken(S->getEndLoc(), 0, SM, LO);
  if (Begin.isMacroID() || End.isInvalid() || End.isMacroID())
    return std::nullopt;
  bool Invalid = false;
  const char *Data = SM.getCharacterData(End, &Invalid);
  if (Invalid)
    return std::nullopt;
  unsigned N = 0;
  while (Data[N] == ' ' || Data[N] == '\t')
    ++N;
  if (Data[N] != ';')
    return std::nullopt;
  ++N;
  End = End.getLocWithOffset(N);
  // Extend to the whole line when nothing else is on it.
  const char *After = Data + N;
  unsigned M = 0;
  while (After[M] == ' ' || After[M] == '\t')
    ++M;
  const char *BeginData = SM.getCharacterData(Begin, &Invalid);
  if (Invalid)
    return std::nullopt;
  unsigned Col = SM.getSpellingColumnNumber(Begin, &Invalid);
  if (Invalid)
    return std::nullopt;
  bool OnlySpaceBefore = true;
  for (unsigned I = 1; I < Col; ++I) {
    char C = BeginData[-static_cast<int>(I)];
    if (C != ' ' && C != '\t') {
      OnlySpaceBefore = false;
      break;
    }
  }
  // Remove from the end of the previous line, so that the removal is not
  // followed by indentation (which clang's fix-it merging would trim too).
  if (OnlySpaceBefore && Col > 0 && (After[M] == '\n' || After[M] == '\r') &&
      BeginData[-static_cast<int>(Col)] == '\n') {
    Begin = Begin.getLocWithOffset(-static_cast<int>(Col));
    End = End.getLocWithOffset(M);
  }
  return CharSourceRange::getCharRange(Begin, End);
}

} // namespace

DeferredReleaseCheck::DeferredReleaseCheck(StringRef Name,
                                           ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      SemaphoreTypes(utils::parseQualifiedNameList(
          *this, "SemaphoreTypes", Options.get("SemaphoreTypes", ""))),
      GuardTypes(utils::parseQualifiedNameList(*this, "GuardTypes",
                                               Options.get("GuardTypes", ""))),
      CountExceptionPaths(utils::parseBoolOption(
          *this, "CountExceptionPaths",
          Options.get("CountExceptionPaths", "true"), true)),
      Scope(Context) {
  std::vector<std::string> Sems(std::begin(BuiltinSemaphores),
                                std::end(BuiltinSemaphores));
  Sems.insert(Sems.end(), SemaphoreTypes.begin(), SemaphoreTypes.end());
  std::vector<std::string> Guards(std::begin(BuiltinGuards),
                                  std::end(BuiltinGuards));
  Guards.insert(Guards.end(), GuardTypes.begin(), GuardTypes.end());
  Model = std::make_unique<utils::SemaphoreModel>(Sems, Guards);
}


void DeferredReleaseCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "SemaphoreTypes", utils::joinNameList(SemaphoreTypes));
  Options.store(Opts, "GuardTypes", utils::joinNameList(GuardTypes));
  Options.store(Opts, "CountExceptionPaths",
                CountExceptionPaths ? "true" : "false");
}

void DeferredReleaseCheck::registerMatchers(MatchFinder *Finder) {
  // Lambda call operators are function declarations too; the traversal
  // reaches them through the closure class.
  Finder->addMatcher(
      functionDecl(isDefinition(), unless(isDefaulted())).bind("fn"), this);
}

std::string
DeferredReleaseCheck::nameOf(const utils::SemaphoreKey &K) const {
  if (!K.Field)
    return K.Base ? K.Base->getNameAsString() : std::string("semaphore");
  if (!K.Base)
    return K.Field->getNameAsString();
  return K.Base->getNameAsString() + "." + K.Field->getNameAsString();
}

void DeferredReleaseCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *FD = Result.Nodes.getNodeAs<FunctionDecl>("fn");
  if (!FD || !FD->doesThisDeclarationHaveABody())
    return;
  Stmt *Body = FD->getBody();
  if (!Body || !Scope.shouldAnalyze(Body->getBeginLoc(), *Result.SourceManager))
    return;
  if (isInInstantiation(FD))
    return;
  if (auto *CB = dyn_cast<CoroutineBodyStmt>(Body))
    Body = CB->getBody();

  utils::FlowOptions Opts;
  Opts.CountExceptionPaths = CountExceptionPaths;
  utils::FlowResult R =
      utils::analyzeSemaphoreFlow(FD, Body, *Result.Context, *Model, Opts);
  if (R.Leaks.empty() && R.Unmatched.empty() && R.HandOffs.empty())
    return;

  llvm::DenseSet<const CallExpr *> Reported;
  for (const utils::LeakReport &L : R.Leaks) {
    if (!L.KeyHasRelease) {
      // A member acquired and never released here is a lock-style API
      // (acquire in lock(), release in unlock()); a signalling semaphore is
      // released by another thread.
      if (L.Key.Field && !L.Key.Base)
        continue;
      // An RAII type's constructor takes the permit its destructor returns.
      if (isa<CXXConstructorDecl>(FD) ||
          (isa<CXXMethodDecl>(FD) &&
           Model->isGuard(QualType(
               cast<CXXMethodDecl>(FD)->getParent()->getTypeForDecl(), 0))))
        continue;
      const auto *MC = cast<CXXMemberCallExpr>(L.Acquire);
      if (!isPermitType(
              Model->semaphoreName(MC->getImplicitObjectArgument()->getType())))
        continue;
    }
    Reported.insert(L.Acquire);
    reportLeak(L, R, Body, *Result.Context);
  }

  for (const utils::UnmatchedRelease &U : R.Unmatched) {
    const auto *MC = cast<CXXMemberCallExpr>(U.Release);
    std::optional<utils::SemaphoreKey> K =
        utils::semaphoreKeyOf(MC->getImplicitObjectArgument());
    if (!K)
      continue;
    diag(U.Release->getBeginLoc(), "'%0' is released here without a matching "
                                   "successful acquire on some path")
        << nameOf(*K);
    const auto *Attempt = cast<CXXMemberCallExpr>(U.Attempt);
    std::string Method = Attempt->getMethodDecl()->getNameAsString();
    if (U.Unchecked)
      diag(U.Attempt->getBeginLoc(),
           "the result of '%0' is not checked, so no permit may have been "
           "acquired",
           DiagnosticIDs::Note)
          << Method;
    else
      diag(U.Attempt->getBeginLoc(), "'%0' failed on this path",
           DiagnosticIDs::Note)
          << Method;
  }

  for (const utils::HandOff &H : R.HandOffs) {
    if (Reported.count(H.Acquire))
      continue;
    const CXXMethodDecl *Op = H.Callable->getCallOperator();
    Stmt *LBody = H.Callable->getBody();
    if (!Op || !LBody)
      continue;
    utils::FlowOptions HOpts = Opts;
    HOpts.HandOffFrom = &H;
    utils::FlowResult HR =
        utils::analyzeSemaphoreFlow(Op, LBody, *Result.Context, *Model, HOpts);
    for (const utils::LeakReport &L : HR.Leaks) {
      if (L.Acquire != H.Acquire || !Reported.insert(H.Acquire).second)
        continue;
      reportHandOff(H, L);
    }
  }
}

void DeferredReleaseCheck::reportHandOff(const utils::HandOff &H,
                                         const utils::LeakReport &L) {
  std::string Name = nameOf(H.Key);
  diag(H.Acquire->getBeginLoc(),
       "'%0' is acquired here and handed to a callable that does not release "
       "it on every path; defer the release as the callable's first statement")
      << Name;
  if (L.Escape && L.K == utils::LeakReport::Exception)
    diag(L.Escape->getBeginLoc(),
         "an exception thrown by '%0' skips the release of '%1' in the callable",
         DiagnosticIDs::Note)
        << calleeName(L.Escape) << Name;
  else if (L.Escape && jumpName(L.Escape))
    diag(L.Escape->getBeginLoc(),
         "this '%0' leaves the callable with '%1' still held",
         DiagnosticIDs::Note)
        << jumpName(L.Escape) << Name;
  else if (const CompoundStmt *CS = H.Callable->getCompoundStmtBody())
    diag(CS->getRBracLoc(), "the callable ends here with '%0' still held",
         DiagnosticIDs::Note)
        << Name;
}

void DeferredReleaseCheck::reportLeak(const utils::LeakReport &L,
                                      const utils::FlowResult &R, Stmt *Body,
                                      ASTContext &Ctx) {
  std::string Name = nameOf(L.Key);
  const auto *Acq = cast<CXXMemberCallExpr>(L.Acquire);

  // The certain rewrite: `sem.acquire(); ... sem.release();` as the first
  // and last use of a leakguard::semaphore in one block.
  std::vector<FixItHint> Fixes;
  [&] {
    const SourceManager &SM = Ctx.getSourceManager();
    const LangOptions &LO = Ctx.getLangOpts();
    const Expr *Obj = Acq->getImplicitObjectArgument();
    if (Obj->getType()->isPointerType() ||
        Model->semaphoreName(Obj->getType()) != "leakguard::semaphore" ||
        Acq->getMethodDecl()->getName() != "acquire" || !onlyDefaultArgs(Acq))
      return;
    if (llvm::is_contained(R.HandedOn, L.Key))
      return;
    const CXXMemberCallExpr *Rel = nullptr;
    unsigned Acquires = 0, Releases = 0;
    for (const auto &[Call, K] : R.Ops) {
      if (!(K == L.Key))
        continue;
      if (Call->getMethodDecl()->getName() == "release") {
        ++Releases;
        Rel = Call;
      } else {
        ++Acquires;
      }
    }
    if (Acquires != 1 || Releases != 1 || !Rel || !onlyDefaultArgs(Rel))
      return;
    ParentMap PM(Body);
    const Stmt *AcqStmt = nullptr, *RelStmt = nullptr;
    const CompoundStmt *CS = statementParent(PM, Acq, AcqStmt);
    if (!CS || statementParent(PM, Rel, RelStmt) != CS ||
        CS->body_back() != RelStmt)
      return;
    bool SeenAcquire = false;
    for (const Stmt *Child : CS->body()) {
      if (Child == AcqStmt)
        SeenAcquire = true;
      if (isa<LabelStmt, SwitchCase>(Child))
        return;
    }
    if (!SeenAcquire)
      return;
    if (Acq->getBeginLoc().isMacroID() || Acq->getEndLoc().isMacroID())
      return;
    StringRef ObjText = Lexer::getSourceText(
        CharSourceRange::getTokenRange(Obj->getSourceRange()), SM, LO);
    if (ObjText.empty())
      return;
    std::string Base = L.Key.Field ? L.Key.Field->getNameAsString()
                                   : L.Key.Base->getNameAsString();
    std::string GuardName =
        (StringRef(Base).ends_with("_") ? Base : Base + "_") + "guard";
    NameUseFinder Finder(GuardName);
    Finder.TraverseStmt(Body);
    if (Finder.Found)
      return;
    std::optional<CharSourceRange> Removal =
        statementRemovalRange(RelStmt, SM, LO);
    if (!Removal)
      return;
    Fixes.push_back(FixItHint::CreateReplacement(
        CharSourceRange::getTokenRange(Acq->getSourceRange()),
        ("leakguard::semaphore_guard " + GuardName + "(" + ObjText + ")")
            .str()));
    Fixes.push_back(FixItHint::CreateRemoval(*Removal));
  }();

  switch (L.K) {
  case utils::LeakReport::Loop:
    diag(Acq->getBeginLoc(), "'%0' is acquired in a loop but not released "
                             "before the next iteration")
        << Name << Fixes;
    if (L.Escape) {
      if (isa<ContinueStmt>(L.Escape))
        diag(L.Escape->getBeginLoc(),
             "this 'continue' starts the next iteration with '%0' still held",
             DiagnosticIDs::Note)
            << Name;
      else
        diag(L.Escape->getBeginLoc(), "the loop repeats with '%0' still held",
             DiagnosticIDs::Note)
            << Name;
    }
    return;
  case utils::LeakReport::EndOfBody:
    if (!L.KeyHasRelease)
      diag(Acq->getBeginLoc(), "'%0' is acquired here but never released")
          << Name << Fixes;
    else
      diag(Acq->getBeginLoc(), "'%0' is acquired here but not released on "
                               "every path; defer the release right after "
                               "the acquire")
          << Name << Fixes;
    if (const auto *CS = dyn_cast<CompoundStmt>(Body))
      diag(CS->getRBracLoc(), "the function ends here with '%0' still held",
           DiagnosticIDs::Note)
          << Name;
    return;
  case utils::LeakReport::EarlyExit:
  case utils::LeakReport::Exception:
    diag(Acq->getBeginLoc(), "'%0' is acquired here but not released on "
                             "every path; defer the release right after "
                             "the acquire")
        << Name << Fixes;
    if (!L.Escape)
      return;
    if (L.K == utils::LeakReport::Exception)
      diag(L.Escape->getBeginLoc(),
           "an exception thrown by '%0' leaves the scope with '%1' still held",
           DiagnosticIDs::Note)
          << calleeName(L.Escape) << Name;
    else
      diag(L.Escape->getBeginLoc(),
           "this '%0' leaves the scope with '%1' still held",
           DiagnosticIDs::Note)
          << jumpName(L.Escape) << Name;
    return;
  }
}

} // namespace clang::tidy::leakguard
