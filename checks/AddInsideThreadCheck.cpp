//===--- AddInsideThreadCheck.cpp - leakguard-add-inside-thread -----------===//

#include "AddInsideThreadCheck.h"
#include "utils/TypeNames.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

using namespace clang::ast_matchers;

namespace clang::tidy::leakguard {
namespace {

using utils::ObjectRef;
using Config = AddInsideThreadCheck::Config;

/// A place that starts a callable concurrently.
struct Spawn : utils::SpawnSite {
  const Stmt *OwnerBody = nullptr; ///< body of the spawning callable
  const FunctionDecl *OwnerFn = nullptr;
};

/// Finds the spawn sites in one function body, lambdas included.
class SpawnFinder : public RecursiveASTVisitor<SpawnFinder> {
public:
  SpawnFinder(const Config &Cfg, const FunctionDecl *FD,
              llvm::SmallVectorImpl<Spawn> &Out)
      : Spawners{Cfg.ThreadTypes, Cfg.SpawnFunctions}, Out(Out) {
    Owners.push_back({FD->getBody(), FD});
  }

  bool TraverseCXXRecordDecl(CXXRecordDecl *) { return true; } // own match
  bool TraverseLambdaExpr(LambdaExpr *LE) {
    Owners.push_back({LE->getBody(), LE->getCallOperator()});
    bool R = RecursiveASTVisitor::TraverseLambdaExpr(LE);
    Owners.pop_back();
    return R;
  }

  bool VisitCallExpr(CallExpr *CE) {
    std::optional<utils::MemberCallView> MV = utils::viewMemberCall(CE);
    add(utils::findSpawn(CE, MV, utils::spawnCallName(CE, MV), Spawners));
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    add(utils::findSpawn(CE, Spawners));
    return true;
  }
  bool VisitCXXUnresolvedConstructExpr(CXXUnresolvedConstructExpr *CE) {
    add(utils::findSpawn(CE, Spawners));
    return true;
  }
  bool VisitVarDecl(VarDecl *VD) {
    add(utils::findSpawn(VD, Spawners));
    return true;
  }

private:
  void add(std::optional<utils::SpawnSite> Site) {
    if (Site)
      Out.push_back(
          {std::move(*Site), Owners.back().first, Owners.back().second});
  }

  const utils::SpawnVocabulary Spawners;
  llvm::SmallVectorImpl<Spawn> &Out;
  llvm::SmallVector<std::pair<const Stmt *, const FunctionDecl *>, 4> Owners;
};

/// A member call `obj.Method(...)` on a wait group; returns the object.
const Expr *waitGroupCall(const Config &Cfg, const CallExpr *CE,
                          llvm::StringRef Method) {
  std::optional<utils::MemberCallView> MV = utils::viewMemberCall(CE);
  if (!MV || !MV->Object || MV->Method != Method)
    return nullptr;
  if ((MV->Class && Cfg.WaitGroupTypes.contains(MV->Class)) ||
      Cfg.WaitGroupTypes.containsType(MV->Object->getType()))
    return MV->Object;
  return nullptr;
}

/// The calls of \p Method on wait groups directly in \p Body, not in nested
/// lambdas or local classes.
class WaitGroupCalls : public RecursiveASTVisitor<WaitGroupCalls> {
public:
  WaitGroupCalls(const Config &Cfg, llvm::StringRef Method)
      : Cfg(Cfg), Method(Method) {}
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  bool TraverseCXXRecordDecl(CXXRecordDecl *) { return true; }
  bool VisitCallExpr(CallExpr *CE) {
    if (const Expr *Obj = waitGroupCall(Cfg, CE, Method))
      Found.emplace_back(CE, Obj);
    return true;
  }
  llvm::SmallVector<std::pair<const CallExpr *, const Expr *>, 4> Found;

private:
  const Config &Cfg;
  llvm::StringRef Method;
};

bool isPointerOrReference(QualType T) {
  return T->isReferenceType() || T->isPointerType() ||
         T->isDependentType(); // e.g. `auto&&`/`T&` parameters of templates
}

/// Is \p D captured by copy (its own object, not the spawner's) by \p LE?
bool capturedByCopy(const LambdaExpr *LE, const ValueDecl *D) {
  for (const LambdaCapture &C : LE->captures())
    if (C.capturesVariable() && C.getCapturedVar() == D)
      return C.getCaptureKind() == LCK_ByCopy &&
             !isPointerOrReference(D->getType());
  return false;
}

std::string spelled(const Expr *E, const SourceManager &SM,
                    const LangOptions &LO) {
  CharSourceRange R = CharSourceRange::getTokenRange(E->getSourceRange());
  if (E->getBeginLoc().isMacroID() || E->getEndLoc().isMacroID())
    return {};
  return Lexer::getSourceText(R, SM, LO).str();
}

} // namespace

AddInsideThreadCheck::AddInsideThreadCheck(StringRef Name,
                                           ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      RawWaitGroupTypes(Options.get("WaitGroupTypes", "")),
      RawSpawners(Options.get("Spawners", "")), Scope(Context) {
  Cfg.WaitGroupTypes.add("leakguard::wait_group");
  for (const std::string &N : utils::parseQualifiedNameList(
           *this, "WaitGroupTypes", RawWaitGroupTypes))
    Cfg.WaitGroupTypes.add(N);
  for (llvm::StringRef N : {"std::thread", "std::jthread"})
    Cfg.ThreadTypes.add(N);
  for (llvm::StringRef N :
       {"leakguard::go", "leakguard::task_group::go",
        "leakguard::task_group::try_go", "leakguard::worker_pool::submit",
        "leakguard::worker_pool::try_submit", "std::async"})
    Cfg.SpawnFunctions.add(N);
  for (const std::string &N :
       utils::parseQualifiedNameList(*this, "Spawners", RawSpawners)) {
    Cfg.ThreadTypes.add(N);
    Cfg.SpawnFunctions.add(N);
  }
}

void AddInsideThreadCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "WaitGroupTypes", RawWaitGroupTypes);
  Options.store(Opts, "Spawners", RawSpawners);
}

void AddInsideThreadCheck::registerMatchers(MatchFinder *Finder) {
  // A bare matcher (no isInstantiated(): that builds the TU's parent map);
  // check() filters by location first, then instantiations.
  Finder->addMatcher(functionDecl(isDefinition()).bind("fn"), this);
}

void AddInsideThreadCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *FD = Result.Nodes.getNodeAs<FunctionDecl>("fn");
  if (!FD || !FD->doesThisDeclarationHaveABody() || !FD->getBody())
    return;
  const SourceManager &SM = *Result.SourceManager;
  if (FD->isImplicit() || !Scope.shouldAnalyze(FD->getLocation(), SM))
    return;
  // Lambdas are analysed with their enclosing function; templates once, in
  // their pattern.
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD);
      MD && MD->getParent()->isLambda())
    return;
  for (const DeclContext *DC = FD; DC; DC = DC->getParent()) {
    if (const auto *F = dyn_cast<FunctionDecl>(DC)) {
      if (F->isTemplateInstantiation())
        return;
    } else if (const auto *R = dyn_cast<CXXRecordDecl>(DC)) {
      TemplateSpecializationKind K = R->getTemplateSpecializationKind();
      if (K == TSK_ImplicitInstantiation ||
          K == TSK_ExplicitInstantiationDefinition ||
          K == TSK_ExplicitInstantiationDeclaration)
        return;
    }
  }

  llvm::SmallVector<Spawn, 4> Spawns;
  SpawnFinder(Cfg, FD, Spawns).TraverseStmt(const_cast<Stmt *>(FD->getBody()));
  const LangOptions &LO = getLangOpts();

  for (const Spawn &S : Spawns) {
    const FunctionDecl *Fn = nullptr;
    const Stmt *Body = nullptr;
    if (S.Target.Lambda) {
      Fn = S.Target.Lambda->getCallOperator();
      Body = S.Target.Lambda->getBody();
    } else {
      const FunctionDecl *Def = nullptr;
      if (!S.Target.Function->hasBody(Def) || !Def || !Def->getBody() ||
          !Scope.shouldAnalyze(Def->getLocation(), SM))
        continue;
      Fn = Def;
      Body = Def->getBody();
    }
    if (!Fn || !Body)
      continue;
    WaitGroupCalls Adds(Cfg, "add");
    Adds.TraverseStmt(const_cast<Stmt *>(Body));
    if (Adds.Found.empty())
      continue;
    // Spawns inside the task: an add() before one of them counts the child
    // while the task itself is still counted (recursive fan-out) - fine.
    llvm::SmallVector<Spawn, 2> Inner;
    SpawnFinder(Cfg, Fn, Inner).TraverseStmt(const_cast<Stmt *>(Body));
    for (const auto &[AddCall, Obj] : Adds.Found) {
      if (Reported.contains(AddCall))
        continue;
      if (llvm::any_of(Inner, [&](const Spawn &C) {
            return SM.isBeforeInTranslationUnit(AddCall->getBeginLoc(),
                                                C.Site->getBeginLoc());
          }))
        continue;
      ObjectRef R = utils::resolveObject(Obj);
      if (!R)
        continue;
      const ValueDecl *D = R.owner();
      // The object the spawner knows the wait group as.
      std::optional<ObjectRef> AtSpawn;
      if (const auto *P = dyn_cast<ParmVarDecl>(D);
          P && P->getDeclContext() == Fn) {
        // Passed to the callable: shared only by reference or pointer.
        if (!isPointerOrReference(P->getType()))
          continue;
        unsigned N = Fn->getNumParams(), Idx = P->getFunctionScopeIndex();
        unsigned Offset = N > S.Args.size() ? N - S.Args.size() : 0;
        if (Idx < Offset || Idx - Offset >= S.Args.size())
          continue; // supplied by the spawner itself (a stop token, ...)
        AtSpawn = utils::resolveObject(S.Args[Idx - Offset]);
      } else if (const auto *V = dyn_cast<VarDecl>(D)) {
        const DeclContext *DC = V->getDeclContext();
        if (DC && Fn->Encloses(DC) && !V->isStaticLocal())
          continue; // the callable's own wait group
        if (V->isStaticLocal() && DC && Fn->Encloses(DC))
          continue;
        if (S.Target.Lambda && capturedByCopy(S.Target.Lambda, V))
          continue; // a copy of its own
        AtSpawn = R;
      } else if (isa<FieldDecl>(D)) {
        AtSpawn = R; // a member: shared through `this`
      } else {
        continue;
      }
      Reported.insert(AddCall);

      std::string Name = spelled(Obj, SM, LO);
      if (Name.empty())
        Name = R.Decl->getName().str();

      // Fix-it: only for `wg.add(<literal>)` as the first statement of a
      // lambda written at a spawn that is a statement of a block.
      llvm::SmallVector<FixItHint, 2> Fixes;
      [&] {
        const LambdaExpr *LE = S.Target.Lambda;
        if (!LE || !S.CallableArg ||
            S.CallableArg->IgnoreUnlessSpelledInSource() != LE)
          return;
        const auto *CS = dyn_cast<CompoundStmt>(Body);
        if (!CS || CS->body_empty())
          return;
        const Stmt *First = CS->body_front();
        if (const auto *EWC = dyn_cast<ExprWithCleanups>(First))
          First = EWC->getSubExpr();
        if (First != AddCall)
          return;
        for (const Expr *A : AddCall->arguments())
          if (!isa<CXXDefaultArgExpr>(A) &&
              !isa<IntegerLiteral>(A->IgnoreParenImpCasts()))
            return;
        const auto *DRE = dyn_cast<DeclRefExpr>(Obj->IgnoreParenImpCasts());
        const auto *CapV = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
        if (!CapV || CapV->isInitCapture() ||
            Fn->Encloses(CapV->getDeclContext()))
          return;
        // The statement of a block that contains the spawn.
        ParentMap PM(const_cast<Stmt *>(S.OwnerBody));
        const Stmt *Cur = S.Site;
        const Stmt *Parent = PM.getParent(Cur);
        while (Parent && !isa<CompoundStmt>(Parent)) {
          if (!isa<Expr>(Parent) && !isa<DeclStmt>(Parent))
            return; // a condition, loop header, return, ...
          Cur = Parent;
          Parent = PM.getParent(Cur);
        }
        if (!Parent)
          return;
        SourceLocation StmtBegin = Cur->getBeginLoc();
        SourceLocation AddBegin = AddCall->getBeginLoc();
        SourceLocation AfterSemi = Lexer::findLocationAfterToken(
            AddCall->getEndLoc(), tok::semi, SM, LO,
            /*SkipTrailingWhitespaceAndNewLine=*/false);
        if (StmtBegin.isMacroID() || AddBegin.isMacroID() ||
            AfterSemi.isInvalid())
          return;
        std::string Text = spelled(AddCall, SM, LO);
        if (Text.empty())
          return;
        // Indentation of the spawn statement's line.
        auto [FID, Off] = SM.getDecomposedLoc(StmtBegin);
        llvm::StringRef Buf = SM.getBufferData(FID);
        size_t LineStart = Buf.rfind('\n', Off);
        LineStart = LineStart == llvm::StringRef::npos ? 0 : LineStart + 1;
        llvm::StringRef Indent = Buf.slice(LineStart, Off);
        if (!Indent.trim().empty())
          Indent = "";
        // Remove the add's whole line when nothing else is on it: from the
        // end of the previous line, so that no indentation follows the
        // removal (clang's fix-it cleanup would trim it too).
        SourceLocation RemoveBegin = AddBegin, RemoveEnd = AfterSemi;
        auto [AFID, AOff] = SM.getDecomposedLoc(AddBegin);
        unsigned EOff = SM.getFileOffset(AfterSemi);
        llvm::StringRef ABuf = SM.getBufferData(AFID);
        size_t ALine = ABuf.rfind('\n', AOff);
        size_t ANext = ABuf.find('\n', EOff);
        if (ALine != llvm::StringRef::npos && ANext != llvm::StringRef::npos &&
            ABuf.slice(ALine + 1, AOff).trim().empty() &&
            ABuf.slice(EOff, ANext).trim().empty()) {
          RemoveBegin = AddBegin.getLocWithOffset(-(int)(AOff - ALine));
          RemoveEnd = AfterSemi.getLocWithOffset(ANext - EOff);
        }
        Fixes.push_back(FixItHint::CreateInsertion(
            StmtBegin, Text + ";\n" + Indent.str()));
        Fixes.push_back(FixItHint::CreateRemoval(
            CharSourceRange::getCharRange(RemoveBegin, RemoveEnd)));
      }();

      {
        auto Diag = diag(AddCall->getBeginLoc(),
                         "wait group '%0' is incremented inside the spawned "
                         "callable; a wait() may see a zero counter and return "
                         "before this task is counted - call add() before "
                         "starting it")
                    << Name;
        for (const FixItHint &H : Fixes)
          Diag << H;
      }
      diag(S.Loc, "the callable is started here; call add() on '%0' before this",
           DiagnosticIDs::Note)
          << Name;
      if (!AtSpawn || !*AtSpawn || !S.OwnerBody)
        continue;
      WaitGroupCalls Waits(Cfg, "wait");
      Waits.TraverseStmt(const_cast<Stmt *>(S.OwnerBody));
      const CallExpr *Wait = nullptr;
      for (const auto &[W, WObj] : Waits.Found) {
        ObjectRef WR = utils::resolveObject(WObj);
        if (!WR || !WR.sameObject(*AtSpawn))
          continue;
        bool After =
            SM.isBeforeInTranslationUnit(S.Site->getBeginLoc(), W->getBeginLoc());
        if (!Wait || After) {
          Wait = W;
          if (After)
            break;
        }
      }
      if (Wait)
        diag(Wait->getBeginLoc(),
             "this wait() may return before the task is counted",
             DiagnosticIDs::Note);
    }
  }
}

} // namespace clang::tidy::leakguard
