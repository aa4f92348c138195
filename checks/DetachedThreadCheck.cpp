//===--- DetachedThreadCheck.cpp - leakguard-detached-thread --------------===//
//
// How it works, and why it is cheap: the only AST matcher finds function
// definitions in code whose diagnostics would be shown (the main file or a
// header that passes the header filter; never system headers). Each one is
// walked once by hand, lambdas included (their call operators are not
// analysed on their own), collecting
//  * `detach()` calls on a thread type (reported, with a note at the place a
//    local thread was started), and
//  * locals of type std::thread started with a callable, with every later
//    mention of them. One that is never mentioned again (except get_id() /
//    native_handle()) is still joinable when its scope ends: its destructor
//    calls std::terminate. That is reported unless the scope may not end
//    normally (a [[noreturn]] call or an endless loop after it).
// Template patterns and their instantiations are both walked (a dependent
// `t.detach()` is only resolved in an instantiation); the spelling location
// decides what was already reported, so each diagnostic appears once.
//
//===----------------------------------------------------------------------===//

#include "DetachedThreadCheck.h"
#include "utils/TypeNames.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallVector.h"

using namespace clang::ast_matchers;

namespace clang::tidy::leakguard {

namespace {

const char DefaultThreadTypes[] = "::std::thread;::std::jthread";
// The bundled library's one deliberate daemon: the process-lifetime deadline
// timer of leakguard::context (a never-destroyed singleton that ends its
// thread when it has nothing to wait for).
const char DefaultAllowedFunctions[] = "";

AST_MATCHER_P(FunctionDecl, analysedDefinition, utils::AnalysisScope *,
              Scope) {
  if (!Node.doesThisDeclarationHaveABody())
    return false;
  if (const auto *MD = dyn_cast<CXXMethodDecl>(&Node))
    if (MD->getParent()->isLambda())
      return false; // walked as part of the enclosing function
  return Scope->shouldAnalyze(Node.getLocation(),
                              Finder->getASTContext().getSourceManager());
}

/// Strips implicit nodes, parentheses, temporaries and functional casts.
const Expr *stripTemporaries(const Expr *E) {
  while (E) {
    const Expr *Prev = E;
    E = E->IgnoreParenImpCasts();
    if (const auto *EWC = dyn_cast<ExprWithCleanups>(E))
      E = EWC->getSubExpr();
    else if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(E))
      E = MTE->getSubExpr();
    else if (const auto *BTE = dyn_cast<CXXBindTemporaryExpr>(E))
      E = BTE->getSubExpr();
    else if (const auto *FC = dyn_cast<CXXFunctionalCastExpr>(E))
      E = FC->getSubExpr();
    if (E == Prev)
      break;
  }
  return E;
}

/// The constructor call that starts a thread (one taking a callable) that
/// \p Init denotes, looking through moves of temporaries; null otherwise.
const CXXConstructExpr *startingConstruct(const Expr *Init) {
  for (int Depth = 0; Init && Depth < 4; ++Depth) {
    const auto *CE = dyn_cast<CXXConstructExpr>(stripTemporaries(Init));
    if (!CE || !CE->getConstructor())
      return nullptr;
    if (CE->getConstructor()->isCopyOrMoveConstructor()) {
      Init = CE->getNumArgs() == 1 ? CE->getArg(0) : nullptr;
      continue;
    }
    return CE->getNumArgs() >= 1 ? CE : nullptr;
  }
  return nullptr;
}

/// In a template pattern: `std::thread t(f)` with a dependent `f` keeps its
/// arguments unresolved.
bool dependentStart(const VarDecl *VD) {
  const Expr *Init = VD->getInit();
  if (!Init || !VD->getDeclContext()->isDependentContext())
    return false;
  Init = Init->IgnoreParenImpCasts();
  if (const auto *PLE = dyn_cast<ParenListExpr>(Init))
    return PLE->getNumExprs() >= 1;
  if (const auto *UCE = dyn_cast<CXXUnresolvedConstructExpr>(Init))
    return UCE->getNumArgs() >= 1;
  if (const auto *ILE = dyn_cast<InitListExpr>(Init))
    return ILE->getNumInits() >= 1;
  return false;
}

bool isStdThread(QualType T) {
  if (T.isNull() || T->isReferenceType())
    return false;
  const auto *RD = T->getAsCXXRecordDecl();
  return RD && RD->getIdentifier() && RD->getName() == "thread" &&
         RD->isInStdNamespace() &&
         utils::plainQualifiedName(RD) == "std::thread";
}

/// An endless loop: no condition, or a constant-true one.
bool isEndlessLoop(const Stmt *S, const ASTContext &Ctx) {
  const Expr *Cond = nullptr;
  if (const auto *F = dyn_cast<ForStmt>(S)) {
    if (!F->getCond())
      return true;
    Cond = F->getCond();
  } else if (const auto *W = dyn_cast<WhileStmt>(S)) {
    Cond = W->getCond();
  } else if (const auto *D = dyn_cast<DoStmt>(S)) {
    Cond = D->getCond();
  } else {
    return false;
  }
  bool Value = false;
  return Cond && !Cond->isValueDependent() &&
         Cond->EvaluateAsBooleanCondition(Value, Ctx) && Value;
}

/// True when \p Callable, given \p NumArgs further arguments, certainly
/// cannot be called with a std::stop_token in front of them - so that a
/// std::jthread would call it exactly as std::thread does.
bool takesExactly(const Expr *Callable, unsigned NumArgs) {
  const Expr *E = stripTemporaries(Callable);
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_AddrOf)
      E = UO->getSubExpr()->IgnoreParenImpCasts();
  const FunctionDecl *FD = nullptr;
  if (const auto *LE = dyn_cast<LambdaExpr>(E)) {
    if (LE->getLambdaClass()->isGenericLambda())
      return false;
    FD = LE->getCallOperator();
  } else if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    FD = dyn_cast<FunctionDecl>(DRE->getDecl());
    if (FD && isa<CXXMethodDecl>(FD) &&
        !cast<CXXMethodDecl>(FD)->isStatic())
      return false;
  }
  if (!FD || FD->isVariadic() || FD->getDescribedFunctionTemplate() ||
      FD->isTemplateInstantiation())
    return false;
  return FD->getNumParams() == NumArgs &&
         FD->getMinRequiredArguments() == NumArgs;
}

/// The name of the thread object a detach() is called on, and whether it is
/// a temporary.
struct DetachTarget {
  const ValueDecl *Decl = nullptr;
  bool Temporary = false;
};

DetachTarget targetOf(const Expr *Object) {
  DetachTarget T;
  if (!Object)
    return T;
  const Expr *E = Object->IgnoreParenImpCasts();
  // p->detach() on a smart pointer, (*p).detach().
  if (const auto *OCE = dyn_cast<CXXOperatorCallExpr>(E))
    if ((OCE->getOperator() == OO_Arrow || OCE->getOperator() == OO_Star) &&
        OCE->getNumArgs() >= 1)
      E = OCE->getArg(0)->IgnoreParenImpCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_Deref)
      E = UO->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    T.Decl = DRE->getDecl();
  } else if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    T.Decl = ME->getMemberDecl();
  } else if (isa<CXXConstructExpr, CXXBindTemporaryExpr,
                 MaterializeTemporaryExpr, CXXFunctionalCastExpr,
                 CXXUnresolvedConstructExpr>(E)) {
    T.Temporary = true;
  }
  return T;
}

} // namespace

/// Walks one function body, lambdas included, in source order.
class DetachedThreadWalker {
public:
  DetachedThreadWalker(DetachedThreadCheck &Check, ASTContext &Ctx)
      : Check(Check), Ctx(Ctx), SM(Ctx.getSourceManager()) {}

  void run(const FunctionDecl *FD) {
    Allowed = Check.AllowedFunctions.contains(FD);
    walk(FD->getBody());
    reportTerminations();
  }

private:
  struct LocalThread {
    const VarDecl *Var = nullptr;
    const DeclStmt *Stmt = nullptr;
    const CXXConstructExpr *Start = nullptr; ///< the init that starts it
    bool Started = false; ///< its init starts it (also in a template pattern)
    SourceLocation StartLoc;                 ///< latest start seen so far
    unsigned Mentions = 0; ///< uses other than get_id() / native_handle()
  };

  DetachedThreadCheck &Check;
  ASTContext &Ctx;
  const SourceManager &SM;
  bool Allowed = false;
  llvm::MapVector<const VarDecl *, LocalThread> Locals;
  /// Where a [[noreturn]] call or an endless loop begins.
  llvm::SmallVector<SourceLocation, 4> NoNormalExit;
  const DeclStmt *CurrentDeclStmt = nullptr;

  bool firstReport(SourceLocation Loc) {
    return Check.Reported.insert(SM.getSpellingLoc(Loc).getRawEncoding())
        .second;
  }

  void walk(const Stmt *S) {
    if (!S)
      return;
    if (const auto *DS = dyn_cast<DeclStmt>(S)) {
      const DeclStmt *Saved = CurrentDeclStmt;
      CurrentDeclStmt = DS;
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D))
          visitVar(VD);
      CurrentDeclStmt = Saved;
      return;
    }
    if (const auto *LE = dyn_cast<LambdaExpr>(S)) {
      for (const Expr *Init : LE->capture_inits())
        walk(Init);
      // A capture by copy or by reference mentions the variable.
      for (const LambdaCapture &C : LE->captures())
        if (C.capturesVariable())
          if (const auto *VD = dyn_cast<VarDecl>(C.getCapturedVar()))
            mention(VD);
      walk(LE->getBody());
      return;
    }
    if (const auto *CE = dyn_cast<CallExpr>(S)) {
      if (const FunctionDecl *FD = CE->getDirectCallee())
        if (FD->isNoReturn())
          NoNormalExit.push_back(CE->getBeginLoc());
      if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE)) {
        if (visitMemberCall(MCE))
          return;
      } else if (const auto *OCE = dyn_cast<CXXOperatorCallExpr>(CE)) {
        visitAssignment(OCE);
      }
    } else if (const auto *DRE = dyn_cast<DeclRefExpr>(S)) {
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        mention(VD);
    } else if (isEndlessLoop(S, Ctx)) {
      NoNormalExit.push_back(S->getBeginLoc());
    }
    for (const Stmt *Child : S->children())
      walk(Child);
  }

  void mention(const VarDecl *VD) {
    auto It = Locals.find(VD);
    if (It != Locals.end())
      ++It->second.Mentions;
  }

  void visitVar(const VarDecl *VD) {
    if (VD->hasLocalStorage() && !VD->isStaticLocal() &&
        !isa<ParmVarDecl>(VD) &&
        (Check.ThreadTypes.containsType(VD->getType()) ||
         isStdThread(VD->getType())) &&
        !VD->getType()->isReferenceType() && !VD->getType()->isPointerType()) {
      LocalThread &L = Locals[VD];
      L.Var = VD;
      L.Stmt = CurrentDeclStmt;
      L.Start = startingConstruct(VD->getInit());
      L.Started = L.Start || dependentStart(VD);
      if (L.Started)
        L.StartLoc = VD->getLocation();
    }
    if (const Expr *Init = VD->getInit())
      walk(Init);
  }

  /// `t = std::thread(f)`: the latest place a local thread was started.
  void visitAssignment(const CXXOperatorCallExpr *OCE) {
    if (OCE->getOperator() != OO_Equal || OCE->getNumArgs() != 2)
      return;
    const auto *DRE =
        dyn_cast<DeclRefExpr>(OCE->getArg(0)->IgnoreParenImpCasts());
    if (!DRE)
      return;
    auto It = Locals.find(dyn_cast<VarDecl>(DRE->getDecl()));
    if (It != Locals.end() && startingConstruct(OCE->getArg(1)))
      It->second.StartLoc = OCE->getArg(1)->getBeginLoc();
  }

  /// Handles t.get_id() / t.native_handle() (not a real use) and detach().
  /// Returns true when the call's children need no further walk.
  bool visitMemberCall(const CXXMemberCallExpr *MCE) {
    const CXXMethodDecl *MD = MCE->getMethodDecl();
    if (!MD || !MD->getIdentifier() || !Check.ThreadTypes.contains(MD->getParent()))
      return false;
    StringRef Name = MD->getName();
    const Expr *Object = MCE->getImplicitObjectArgument();
    if (Name == "get_id" || Name == "native_handle") {
      if (const auto *DRE =
              dyn_cast_or_null<DeclRefExpr>(Object ? Object->IgnoreParenImpCasts()
                                                   : nullptr))
        if (Locals.count(dyn_cast<VarDecl>(DRE->getDecl())))
          return true; // not a mention that could join, detach or move it
      return false;
    }
    if (Name != "detach")
      return false;
    reportDetach(MCE, Object);
    return false;
  }

  void reportDetach(const CXXMemberCallExpr *MCE, const Expr *Object) {
    SourceLocation Loc = MCE->getExprLoc();
    if (const auto *ME =
            dyn_cast<MemberExpr>(MCE->getCallee()->IgnoreParenImpCasts()))
      Loc = ME->getMemberLoc();
    if (Allowed || SM.isInSystemHeader(SM.getExpansionLoc(Loc)) ||
        !firstReport(Loc))
      return;
    DetachTarget T = targetOf(Object);
    static constexpr char Advice[] =
        "nobody can stop it or wait for it; own it with leakguard::go or a "
        "std::jthread in the scope that must outlive it";
    if (T.Temporary) {
      Check.diag(Loc, "thread is detached as soon as it is created: %0")
          << Advice;
      return;
    }
    if (!T.Decl) {
      Check.diag(Loc, "thread is detached: %0") << Advice;
      return;
    }
    Check.diag(Loc, "thread %0 is detached: %1") << T.Decl << Advice;
    const auto *VD = dyn_cast<VarDecl>(T.Decl);
    auto It = Locals.find(VD);
    if (It != Locals.end() && It->second.StartLoc.isValid())
      Check.diag(It->second.StartLoc, "thread %0 is started here",
                 DiagnosticIDs::Note)
          << T.Decl;
  }

  void reportTerminations() {
    for (const auto &[VD, L] : Locals) {
      if (!L.Started || L.Mentions != 0 || !isStdThread(VD->getType()))
        continue;
      bool MayNotExit = false;
      for (SourceLocation Loc : NoNormalExit)
        if (SM.isBeforeInTranslationUnit(VD->getLocation(), Loc))
          MayNotExit = true;
      if (MayNotExit || !firstReport(VD->getLocation()))
        continue;
      auto D = Check.diag(VD->getLocation(),
                          "std::thread %0 is destroyed while joinable: "
                          "std::terminate; join it before the end of its "
                          "scope, or make it a std::jthread")
               << VD;
      if (FixItHint Fix = jthreadFix(L); !Fix.isNull())
        D << Fix;
    }
  }

  /// `std::thread t(f);` -> `std::jthread t(f);`, when that is certainly
  /// the same call and the type is written as std::thread in one declaration.
  FixItHint jthreadFix(const LocalThread &L) const {
    const LangOptions &LO = Ctx.getLangOpts();
    if (!LO.CPlusPlus20 || !L.Stmt || !L.Stmt->isSingleDecl() ||
        !jthreadDeclared() || L.Var->isTemplated())
      return {};
    const TypeSourceInfo *TSI = L.Var->getTypeSourceInfo();
    if (!TSI)
      return {};
    SourceRange Range = TSI->getTypeLoc().getSourceRange();
    if (Range.isInvalid() || Range.getBegin().isMacroID() ||
        Range.getEnd().isMacroID())
      return {};
    CharSourceRange Chars = CharSourceRange::getTokenRange(Range);
    StringRef Text = Lexer::getSourceText(Chars, SM, LO);
    if (Text != "std::thread" && Text != "::std::thread")
      return {};
    const CXXConstructExpr *Start = L.Start;
    if (!Start || !takesExactly(Start->getArg(0), Start->getNumArgs() - 1))
      return {};
    SourceLocation NameLoc = Range.getEnd();
    return FixItHint::CreateReplacement(
        CharSourceRange::getTokenRange(NameLoc, NameLoc), "jthread");
  }

  bool jthreadDeclared() const {
    IdentifierInfo &Std = Ctx.Idents.get("std");
    IdentifierInfo &JThread = Ctx.Idents.get("jthread");
    for (const NamedDecl *ND :
         Ctx.getTranslationUnitDecl()->lookup(DeclarationName(&Std)))
      if (const auto *NS = dyn_cast<NamespaceDecl>(ND))
        for (const NamedDecl *J : NS->lookup(DeclarationName(&JThread)))
          if (isa<CXXRecordDecl>(J))
            return true;
    return false;
  }
};

DetachedThreadCheck::DetachedThreadCheck(StringRef Name,
                                         ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      RawThreadTypes(Options.get("ThreadTypes", DefaultThreadTypes)),
      RawAllowedFunctions(
          Options.get("AllowedFunctions", DefaultAllowedFunctions)),
      Scope(Context) {
  for (const std::string &N :
       utils::parseQualifiedNameList(*this, "ThreadTypes", RawThreadTypes))
    ThreadTypes.add(N);
  for (const std::string &N : utils::parseQualifiedNameList(
           *this, "AllowedFunctions", RawAllowedFunctions))
    AllowedFunctions.add(N);
}

void DetachedThreadCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "ThreadTypes", RawThreadTypes);
  Options.store(Opts, "AllowedFunctions", RawAllowedFunctions);
}

void DetachedThreadCheck::onStartOfTranslationUnit() { Reported.clear(); }

void DetachedThreadCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(functionDecl(analysedDefinition(&Scope)).bind("fn"),
                     this);
}

void DetachedThreadCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *FD = Result.Nodes.getNodeAs<FunctionDecl>("fn");
  if (!FD || !FD->getBody())
    return;
  DetachedThreadWalker(*this, *Result.Context).run(FD);
}

} // namespace clang::tidy::leakguard
