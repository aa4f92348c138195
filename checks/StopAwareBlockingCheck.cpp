//===--- StopAwareBlockingCheck.cpp - leakguard-stop-aware-blocking ---===//
//
// How it works, and why it is cheap: the only AST matcher finds declarations
// of a cancellation handle (a variable, parameter or structured binding of a
// stop-handle type) in code whose diagnostics would be shown. For each one,
// the outermost enclosing function (walking out of lambdas) is walked once by
// hand, in source order, keeping the handles visible at each point: a
// function's handle parameters and locals (block-scoped), and in a lambda the
// outer handles it captures (explicitly, or all of them under [=] / [&]) plus
// its own. A blocking call that passes no handle, while one is visible, is
// reported; the fix-it inserts the innermost visible handle where the class's
// own stop-aware overload takes it.
//
//===----------------------------------------------------------------------===//

#include "StopAwareBlockingCheck.h"
#include "utils/StopHandles.h"
#include "utils/TypeNames.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"

using namespace clang::ast_matchers;

namespace clang::tidy::leakguard {

namespace {

const char DefaultStopHandleTypes[] = "::std::stop_token;::leakguard::context";
const char DefaultChannelTypes[] =
    "::leakguard::channel;::leakguard::send_end;::leakguard::recv_end";

/// What kind of blocking call, for the advice in the diagnostic.
enum class BlockingKind {
  Member,         ///< A blocking member function of a library or user type.
  CondVarAny,     ///< std::condition_variable_any::wait*.
  CondVar,        ///< std::condition_variable::wait*: no stop-aware form.
  StdSemaphore,   ///< std::counting_semaphore::acquire: no stop-aware form.
  Sleep,          ///< std::this_thread::sleep_for / sleep_until.
  Free,           ///< A free function (leakguard::select, user-listed).
  ContextWait,    ///< leakguard::context::wait: not when it waits on a handle.
  Constructor,    ///< A guard whose constructor acquires.
};

struct BuiltinEntry {
  const char *Owner;
  const char *Name;
  BlockingKind Kind;
};

// The library's blocking operations other than channels (those come from
// ChannelTypes) and the standard ones. try_* forms never block; timed
// channel/semaphore forms (push_for, try_acquire_for) are bounded.
const BuiltinEntry BuiltinMembers[] = {
    {"::leakguard::semaphore", "acquire", BlockingKind::Member},
    {"::leakguard::weighted_semaphore", "acquire", BlockingKind::Member},
    {"::leakguard::wait_group", "wait", BlockingKind::Member},
    {"::leakguard::rate_limiter", "wait", BlockingKind::Member},
    {"::leakguard::rate_limiter", "wait_n", BlockingKind::Member},
    {"::leakguard::ticker", "wait", BlockingKind::Member},
    {"::leakguard::context", "wait", BlockingKind::ContextWait},
    {"::std::condition_variable_any", "wait", BlockingKind::CondVarAny},
    {"::std::condition_variable_any", "wait_for", BlockingKind::CondVarAny},
    {"::std::condition_variable_any", "wait_until", BlockingKind::CondVarAny},
    {"::std::condition_variable", "wait", BlockingKind::CondVar},
    {"::std::condition_variable", "wait_for", BlockingKind::CondVar},
    {"::std::condition_variable", "wait_until", BlockingKind::CondVar},
    {"::std::counting_semaphore", "acquire", BlockingKind::StdSemaphore},
};

const BuiltinEntry BuiltinFree[] = {
    {"::std::this_thread", "sleep_for", BlockingKind::Sleep},
    {"::std::this_thread", "sleep_until", BlockingKind::Sleep},
    {"::leakguard", "select", BlockingKind::Free},
};

// Constructors that block: RAII guards that acquire.
const char *const BuiltinBlockingConstructors[] = {
    "::leakguard::semaphore_guard",
    "::leakguard::weighted_semaphore_guard",
};

AST_MATCHER_P(ValueDecl, stopHandleDeclIn, const std::vector<std::string> *,
              HandleTypes) {
  if (!isa<VarDecl, BindingDecl>(Node) || Node.getName().empty())
    return false;
  return utils::isStopHandleType(Node.getType(), *HandleTypes);
}

/// True when \p DC is, or is nested in, a template instantiation.
bool inTemplateInstantiation(const DeclContext *DC) {
  for (; DC; DC = DC->getParent()) {
    if (const auto *FD = dyn_cast<FunctionDecl>(DC)) {
      if (FD->isTemplateInstantiation())
        return true;
    } else if (const auto *CTS = dyn_cast<ClassTemplateSpecializationDecl>(DC)) {
      if (CTS->getSpecializationKind() != TSK_ExplicitSpecialization)
        return true;
    }
  }
  return false;
}

/// The function whose body contains \p FD, walking out of lambdas.
const FunctionDecl *outermostFunction(const FunctionDecl *FD) {
  while (const auto *MD = dyn_cast<CXXMethodDecl>(FD)) {
    if (!MD->getParent()->isLambda())
      break;
    const auto *Outer = dyn_cast_or_null<FunctionDecl>(
        MD->getParent()->getDeclContext());
    if (!Outer)
      break;
    FD = Outer;
  }
  return FD;
}

bool isStdMoveLike(const CallExpr *CE) {
  if (CE->getNumArgs() != 1)
    return false;
  if (const FunctionDecl *FD = CE->getDirectCallee())
    return FD->isInStdNamespace() && FD->getIdentifier() &&
           (FD->getName() == "move" || FD->getName() == "forward");
  if (const auto *ULE =
          dyn_cast<UnresolvedLookupExpr>(CE->getCallee()->IgnoreImplicit()))
    return ULE->getName().isIdentifier() &&
           (ULE->getName().getAsString() == "move" ||
            ULE->getName().getAsString() == "forward");
  return false;
}

} // namespace

/// Walks one function body (and the lambdas inside it) in source order.
class StopAwareBodyWalker {
public:
  StopAwareBodyWalker(StopAwareBlockingCheck &Check, ASTContext &Ctx)
      : Check(Check), Ctx(Ctx), SM(Ctx.getSourceManager()),
        LO(Ctx.getLangOpts()) {}

  void walkRoot(const FunctionDecl *FD) {
    Frames.emplace_back();
    OwnedInFrame.emplace_back();
    for (const ParmVarDecl *P : FD->parameters())
      addHandle(P);
    walk(FD->getBody());
    Frames.pop_back();
    OwnedInFrame.pop_back();
  }

private:
  using HandleList = llvm::SmallVector<const ValueDecl *, 4>;

  StopAwareBlockingCheck &Check;
  ASTContext &Ctx;
  const SourceManager &SM;
  const LangOptions &LO;
  llvm::SmallVector<HandleList, 4> Frames;
  /// Per frame: handles this frame created from a source it owns. They do
  /// not count for its own calls (it is the canceller), only for lambdas
  /// that capture them.
  llvm::SmallVector<llvm::SmallPtrSet<const ValueDecl *, 2>, 4> OwnedInFrame;
  llvm::DenseSet<const ValueDecl *> Moved;

  bool isHandle(const ValueDecl *VD) const {
    return VD && !VD->getName().empty() &&
           utils::isStopHandleType(VD->getType(), Check.StopHandleTypes);
  }

  void addHandle(const ValueDecl *VD, bool Owned = false) {
    if (!isHandle(VD))
      return;
    Frames.back().push_back(VD);
    if (Owned)
      OwnedInFrame.back().insert(VD);
  }

  static const Expr *stripInit(const Expr *E) {
    while (E) {
      const Expr *Prev = E;
      E = E->IgnoreImplicit();
      if (const auto *CE = dyn_cast<CXXConstructExpr>(E))
        if (CE->getNumArgs() == 1 && CE->getConstructor() &&
            CE->getConstructor()->isCopyOrMoveConstructor())
          E = CE->getArg(0);
      if (E == Prev)
        break;
    }
    return E;
  }

  /// True for a handle this function makes from a source that only it can
  /// stop: a local std::stop_source's get_token(), leakguard::background(),
  /// or with_cancel() of such a context. (with_timeout/with_deadline fire on
  /// their own, and a handle derived from a parameter fires from outside.)
  bool isOwnedHandleInit(const Expr *Init) const {
    Init = stripInit(Init);
    if (!Init)
      return false;
    if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(Init)) {
      const CXXMethodDecl *MD = MCE->getMethodDecl();
      if (!MD || !MD->getIdentifier() || MD->getName() != "get_token" ||
          !utils::qualifiedNameMatches(MD->getParent(), "::std::stop_source"))
        return false;
      const auto *DRE = dyn_cast<DeclRefExpr>(
          MCE->getImplicitObjectArgument()->IgnoreParenImpCasts());
      const auto *Src = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
      return Src && !isa<ParmVarDecl>(Src) && Src->hasLocalStorage() &&
             !Src->getType()->isReferenceType();
    }
    if (const auto *CE = dyn_cast<CallExpr>(Init)) {
      const FunctionDecl *FD = CE->getDirectCallee();
      if (!FD)
        return false;
      if (utils::qualifiedNameMatches(FD, "::leakguard::background"))
        return true;
      if (!utils::qualifiedNameMatches(FD, "::leakguard::with_cancel") ||
          CE->getNumArgs() < 1)
        return false;
      const Expr *Parent = stripInit(CE->getArg(0));
      if (const auto *DRE = dyn_cast<DeclRefExpr>(Parent))
        return OwnedInFrame.back().contains(DRE->getDecl());
      if (const auto *Construct = dyn_cast<CXXConstructExpr>(Parent))
        return Construct->getNumArgs() == 0;
      return isOwnedHandleInit(Parent);
    }
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(Init))
      return Construct->getNumArgs() == 0; // A default (background) context.
    return false;
  }

  /// The innermost usable handle, and how many are usable.
  const ValueDecl *nearestHandle(unsigned &Count) const {
    const ValueDecl *Nearest = nullptr;
    Count = 0;
    llvm::SmallVector<llvm::StringRef, 4> Seen;
    for (const ValueDecl *VD : llvm::reverse(Frames.back())) {
      // An inner declaration (or init-capture) of the same name hides it.
      if (llvm::is_contained(Seen, VD->getName()))
        continue;
      Seen.push_back(VD->getName());
      if (Moved.contains(VD) || OwnedInFrame.back().contains(VD))
        continue;
      if (!Nearest)
        Nearest = VD;
      ++Count;
    }
    return Nearest;
  }

  bool mentionsVisibleHandle(const Expr *E) const {
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts()))
      return llvm::is_contained(Frames.back(), DRE->getDecl());
    return false;
  }

  void walkScoped(const Stmt *S) {
    const size_t Saved = Frames.back().size();
    for (const Stmt *Child : S->children())
      walk(Child);
    Frames.back().truncate(Saved);
  }

  /// The handle whose stop_possible() \p Cond tests, and whether the test is
  /// negated: `!st.stop_possible()`.
  const ValueDecl *stopPossibleTest(const Expr *Cond, bool &Negated) const {
    Negated = false;
    if (!Cond)
      return nullptr;
    Cond = Cond->IgnoreParenImpCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(Cond)) {
      if (UO->getOpcode() != UO_LNot)
        return nullptr;
      Negated = true;
      Cond = UO->getSubExpr()->IgnoreParenImpCasts();
    }
    const auto *MCE = dyn_cast<CXXMemberCallExpr>(Cond);
    if (!MCE || !MCE->getMethodDecl() ||
        !MCE->getMethodDecl()->getIdentifier() ||
        MCE->getMethodDecl()->getName() != "stop_possible")
      return nullptr;
    const auto *DRE = dyn_cast<DeclRefExpr>(
        MCE->getImplicitObjectArgument()->IgnoreParenImpCasts());
    if (!DRE || !llvm::is_contained(Frames.back(), DRE->getDecl()))
      return nullptr;
    return DRE->getDecl();
  }

  /// Walks \p S with \p Dead unusable: in the branch where the handle
  /// cannot be stopped, not passing it loses nothing.
  void walkWithout(const Stmt *S, const ValueDecl *Dead) {
    const bool Inserted = Dead && Moved.insert(Dead).second;
    walk(S);
    if (Inserted)
      Moved.erase(Dead);
  }

  void walkIf(const IfStmt *If) {
    const size_t Saved = Frames.back().size();
    walk(If->getInit());
    if (const DeclStmt *CondVar = If->getConditionVariableDeclStmt())
      walk(CondVar);
    walk(If->getCond());
    bool Negated;
    const ValueDecl *Tested = stopPossibleTest(If->getCond(), Negated);
    walkWithout(If->getThen(), Negated ? Tested : nullptr);
    walkWithout(If->getElse(), Negated ? nullptr : Tested);
    Frames.back().truncate(Saved);
  }

  void walkLambda(const LambdaExpr *LE) {
    // Init-captures are evaluated in the enclosing scope.
    for (const LambdaCapture &C : LE->explicit_captures())
      if (C.capturesVariable())
        if (const auto *VD = dyn_cast<VarDecl>(C.getCapturedVar()))
          if (VD->isInitCapture())
            walk(VD->getInit());
    HandleList Inner;
    const bool CapturesAll = LE->getCaptureDefault() != LCD_None;
    for (const ValueDecl *VD : Frames.back()) {
      bool Captured = CapturesAll;
      for (const LambdaCapture &C : LE->explicit_captures())
        Captured |= C.capturesVariable() && C.getCapturedVar() == VD;
      if (Captured)
        Inner.push_back(VD);
    }
    Frames.push_back(std::move(Inner));
    OwnedInFrame.emplace_back();
    for (const LambdaCapture &C : LE->explicit_captures())
      if (C.capturesVariable())
        if (const auto *VD = dyn_cast<VarDecl>(C.getCapturedVar()))
          if (VD->isInitCapture())
            addHandle(VD);
    if (const CXXMethodDecl *Call = LE->getCallOperator())
      for (const ParmVarDecl *P : Call->parameters())
        addHandle(P);
    walk(LE->getBody());
    Frames.pop_back();
    OwnedInFrame.pop_back();
  }

  void walk(const Stmt *S) {
    if (!S)
      return;
    switch (S->getStmtClass()) {
    case Stmt::LambdaExprClass:
      walkLambda(cast<LambdaExpr>(S));
      return;
    case Stmt::DeclStmtClass:
      for (const Decl *D : cast<DeclStmt>(S)->decls()) {
        const auto *VD = dyn_cast<VarDecl>(D);
        if (!VD)
          continue; // Local classes and functions see no enclosing locals.
        walk(VD->getInit());
        const bool Owned = isOwnedHandleInit(VD->getInit());
        if (const auto *DD = dyn_cast<DecompositionDecl>(VD)) {
          for (const BindingDecl *B : DD->bindings())
            addHandle(B, Owned);
        } else if (!VD->isStaticLocal()) {
          addHandle(VD, Owned);
        }
      }
      return;
    case Stmt::CoroutineBodyStmtClass:
      walk(cast<CoroutineBodyStmt>(S)->getBody());
      return;
    case Stmt::CXXForRangeStmtClass: {
      const auto *FS = cast<CXXForRangeStmt>(S);
      const size_t Saved = Frames.back().size();
      walk(FS->getInit());
      walk(FS->getRangeInit());
      onRangeFor(FS);
      walk(FS->getBody());
      Frames.back().truncate(Saved);
      return;
    }
    case Stmt::IfStmtClass:
      walkIf(cast<IfStmt>(S));
      return;
    case Stmt::CompoundStmtClass:
    case Stmt::ForStmtClass:
    case Stmt::WhileStmtClass:
    case Stmt::DoStmtClass:
    case Stmt::SwitchStmtClass:
    case Stmt::CXXCatchStmtClass:
      walkScoped(S);
      return;
    default:
      break;
    }
    if (const auto *CE = dyn_cast<CallExpr>(S)) {
      onCall(CE);
      for (const Stmt *Child : S->children())
        walk(Child);
      if (isStdMoveLike(CE))
        if (const auto *DRE =
                dyn_cast<DeclRefExpr>(CE->getArg(0)->IgnoreParenImpCasts()))
          if (llvm::is_contained(Frames.back(), DRE->getDecl()))
            Moved.insert(DRE->getDecl());
      return;
    }
    if (const auto *CE = dyn_cast<CXXConstructExpr>(S))
      onConstruct(CE);
    for (const Stmt *Child : S->children())
      walk(Child);
  }

  std::string sourceText(const Expr *E) const {
    if (!E)
      return "";
    E = E->IgnoreParenImpCasts();
    if (const auto *This = dyn_cast<CXXThisExpr>(E))
      if (This->isImplicit())
        return "";
    CharSourceRange R = CharSourceRange::getTokenRange(E->getSourceRange());
    std::string Text = Lexer::getSourceText(R, SM, LO).str();
    if (Text.empty() || Text.size() > 48 ||
        Text.find('\n') != std::string::npos)
      return "";
    return Text;
  }

  /// " (the nearest of N stop handles in scope)" when there are several.
  static std::string nearestNote(unsigned Count) {
    if (Count < 2)
      return "";
    return " (the nearest of " + std::to_string(Count) +
           " stop handles in scope)";
  }

  /// The expression to insert for handle \p H where \p ParamType is
  /// expected, or "" when passing it is not certain to compile.
  std::string handleArgument(const ValueDecl *H, QualType ParamType) const {
    if (utils::convertsToHandleParam(H->getType(), ParamType))
      return H->getName().str();
    return "";
  }

  void noteHandle(const ValueDecl *H) {
    Check.diag(H->getLocation(), "stop handle '%0' declared here",
               DiagnosticIDs::Note)
        << H->getName();
  }

  void onRangeFor(const CXXForRangeStmt *FS) {
    unsigned Count;
    const ValueDecl *H = nearestHandle(Count);
    if (!H)
      return;
    const Expr *Range = FS->getRangeInit();
    if (!Range)
      return;
    const CXXRecordDecl *RD = utils::classOfType(Range->getType());
    if (!RD || !utils::qualifiedNameMatchesOneOf(RD, Check.ChannelTypes))
      return;
    if (!Check.Reported.insert(FS).second)
      return;
    std::string Obj = sourceText(Range);
    if (Obj.empty())
      Obj = RD->getName().str();
    Check.diag(Range->getBeginLoc(),
               "range-for over channel '%0' blocks on every receive and "
               "ignores stop handle '%1'%2; loop on '%0.pop(%1)' instead")
        << Obj << H->getName() << nearestNote(Count);
    noteHandle(H);
  }

  /// One blocking call or construction, as the diagnostics need it.
  struct BlockingCall {
    BlockingKind Kind = BlockingKind::Member;
    const DeclContext *OverloadScope = nullptr; ///< Where overloads live.
    DeclarationName OverloadName;
    const FunctionDecl *Callee = nullptr;
    std::string Name;              ///< Function name for the message.
    const Expr *Object = nullptr;  ///< Implicit object argument, if any.
    SourceLocation Loc;            ///< Where to report.
    SourceLocation Begin, End, RParen;
    const DeclRefExpr *CalleeRef = nullptr;
    bool IsArrow = false;
  };

  bool matchesFree(const FunctionDecl *FD, BlockingCall &Call) const {
    if (!FD->getIdentifier() || isa<CXXMethodDecl>(FD))
      return false;
    for (const BuiltinEntry &E : BuiltinFree)
      if (FD->getName() == E.Name &&
          utils::qualifiedNameMatches(FD, std::string(E.Owner) + "::" + E.Name)) {
        Call.Kind = E.Kind;
        return true;
      }
    for (const StopAwareBlockingCheck::BlockingEntry &E : Check.BlockingFunctions)
      if (FD->getName() == E.Name &&
          utils::qualifiedNameMatches(FD, E.Owner + "::" + E.Name)) {
        Call.Kind = BlockingKind::Free;
        return true;
      }
    return false;
  }

  /// Finds which blocking operation \p CE is, if any.
  bool classify(const CallExpr *CE, BlockingCall &Call) const {
    const Expr *CalleeExpr = CE->getCallee()->IgnoreParenImpCasts();
    const CXXRecordDecl *Class = nullptr;
    Call.Begin = CE->getBeginLoc();
    Call.End = CE->getEndLoc();
    Call.RParen = CE->getRParenLoc();
    if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE)) {
      const CXXMethodDecl *MD = MCE->getMethodDecl();
      if (!MD || !MD->getIdentifier())
        return false;
      Call.Callee = MD;
      Class = MD->getParent();
      Call.Name = MD->getName().str();
      Call.Object = MCE->getImplicitObjectArgument();
      Call.Loc = MCE->getExprLoc();
      if (const auto *ME = dyn_cast<MemberExpr>(CalleeExpr)) {
        Call.Loc = ME->getMemberLoc();
        Call.IsArrow = ME->isArrow();
      }
    } else if (const auto *DME =
                   dyn_cast<CXXDependentScopeMemberExpr>(CalleeExpr)) {
      if (!DME->getMember().isIdentifier() || DME->isImplicitAccess())
        return false;
      Class = utils::classOfType(DME->getBaseType(), DME->isArrow());
      Call.Name = DME->getMember().getAsString();
      Call.Object = DME->getBase();
      Call.Loc = DME->getMemberLoc();
      Call.IsArrow = DME->isArrow();
    } else if (const auto *UME = dyn_cast<UnresolvedMemberExpr>(CalleeExpr)) {
      if (!UME->getMemberName().isIdentifier())
        return false;
      Class = UME->isImplicitAccess()
                  ? UME->getNamingClass()
                  : utils::classOfType(UME->getBaseType(), UME->isArrow());
      Call.Name = UME->getMemberName().getAsString();
      Call.Object = UME->isImplicitAccess() ? nullptr : UME->getBase();
      Call.Loc = UME->getMemberLoc();
      Call.IsArrow = UME->isArrow();
    } else if (isa<CXXOperatorCallExpr>(CE)) {
      return false;
    } else {
      // A free function (possibly an unresolved one in a template).
      Call.Loc = CE->getBeginLoc();
      if (const FunctionDecl *FD = CE->getDirectCallee()) {
        if (!matchesFree(FD, Call))
          return false;
        Call.Callee = FD;
        Call.Name = FD->getName().str();
        Call.OverloadScope = FD->getDeclContext();
        Call.OverloadName = FD->getDeclName();
        return true;
      }
      if (const auto *ULE = dyn_cast<UnresolvedLookupExpr>(CalleeExpr))
        for (const NamedDecl *ND : ULE->decls())
          if (const FunctionDecl *FD = ND->getUnderlyingDecl()->getAsFunction())
            if (matchesFree(FD, Call)) {
              Call.Name = FD->getName().str();
              Call.OverloadScope = FD->getDeclContext();
              Call.OverloadName = FD->getDeclName();
              return true;
            }
      return false;
    }
    if (!Class)
      return false;
    Call.OverloadScope = Class;
    Call.OverloadName = DeclarationName(&Ctx.Idents.get(Call.Name));
    if ((Call.Name == "push" || Call.Name == "pop") &&
        utils::qualifiedNameMatchesOneOf(Class, Check.ChannelTypes)) {
      Call.Kind = BlockingKind::Member;
      return true;
    }
    for (const BuiltinEntry &E : BuiltinMembers)
      if (Call.Name == E.Name && utils::qualifiedNameMatches(Class, E.Owner)) {
        Call.Kind = E.Kind;
        return true;
      }
    for (const StopAwareBlockingCheck::BlockingEntry &E : Check.BlockingFunctions)
      if (Call.Name == E.Name && utils::qualifiedNameMatches(Class, E.Owner)) {
        Call.Kind = BlockingKind::Member;
        return true;
      }
    return false;
  }

  /// leakguard's stop-aware sleep taking (duration-or-time, handle), if the
  /// translation unit declares it.
  const FunctionDecl *leakguardSleep(llvm::StringRef Name) const {
    const auto *TU = Ctx.getTranslationUnitDecl();
    for (const NamedDecl *NS :
         TU->lookup(DeclarationName(&Ctx.Idents.get("leakguard")))) {
      const auto *N = dyn_cast<NamespaceDecl>(NS);
      if (!N)
        continue;
      for (const NamedDecl *ND :
           N->lookup(DeclarationName(&Ctx.Idents.get(Name)))) {
        const FunctionDecl *FD = ND->getUnderlyingDecl()->getAsFunction();
        if (FD && FD->getNumParams() >= 2 &&
            utils::isStopHandleType(FD->getParamDecl(1)->getType(),
                                    Check.StopHandleTypes))
          return FD;
      }
    }
    return nullptr;
  }

  /// True when the written duration/time argument certainly converts to the
  /// first parameter of \p Sleep (same type, a template, or an integral
  /// std::chrono::duration going to another duration).
  bool sleepArgumentConverts(const Expr *Arg, const FunctionDecl *Sleep) const {
    QualType To = Sleep->getParamDecl(0)->getType().getNonReferenceType();
    if (To->isDependentType())
      return true;
    QualType From = Arg->getType().getNonReferenceType();
    if (From->isDependentType())
      return false;
    if (Ctx.hasSameUnqualifiedType(From, To))
      return true;
    const auto *FromSpec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
        utils::classOfType(From));
    const auto *ToSpec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
        utils::classOfType(To));
    if (!FromSpec || !ToSpec ||
        !utils::qualifiedNameMatches(FromSpec, "::std::chrono::duration") ||
        !utils::qualifiedNameMatches(ToSpec, "::std::chrono::duration"))
      return false;
    const TemplateArgumentList &Args = FromSpec->getTemplateArgs();
    return Args.size() >= 1 && Args[0].getKind() == TemplateArgument::Type &&
           Args[0].getAsType()->isIntegralType(Ctx);
  }

  /// Inserts \p Arg at written-argument position \p Index of \p Call.
  std::optional<FixItHint> insertArgument(const BlockingCall &Call,
                                          llvm::ArrayRef<const Expr *> Written,
                                          unsigned Index,
                                          llvm::StringRef Arg) const {
    if (Arg.empty() || Call.Begin.isMacroID() || Call.End.isMacroID())
      return std::nullopt;
    for (const Expr *A : Written)
      if (A->getBeginLoc().isMacroID() || A->getEndLoc().isMacroID())
        return std::nullopt;
    if (Index < Written.size())
      return FixItHint::CreateInsertion(Written[Index]->getBeginLoc(),
                                        (Arg + ", ").str());
    if (Written.empty()) {
      if (Call.RParen.isInvalid() || Call.RParen.isMacroID())
        return std::nullopt;
      return FixItHint::CreateInsertion(Call.RParen, Arg);
    }
    SourceLocation End =
        Lexer::getLocForEndOfToken(Written.back()->getEndLoc(), 0, SM, LO);
    if (End.isInvalid())
      return std::nullopt;
    return FixItHint::CreateInsertion(End, (", " + Arg).str());
  }

  /// The written arguments of a call, or false when one passes a handle.
  bool writtenArguments(llvm::ArrayRef<const Expr *> Args,
                        llvm::SmallVectorImpl<const Expr *> &Written) const {
    for (const Expr *A : Args) {
      if (isa<CXXDefaultArgExpr>(A))
        break;
      if (utils::isStopHandleType(A->getType(), Check.StopHandleTypes) ||
          utils::isStopHandleType(A->IgnoreParenImpCasts()->getType(),
                                  Check.StopHandleTypes) ||
          mentionsVisibleHandle(A))
        return false; // Passes a handle: stop-aware.
      Written.push_back(A);
    }
    return true;
  }

  /// Picks the overload that takes \p H best: its own type, else one it
  /// converts to.
  std::optional<std::pair<utils::StopAwareOverload, std::string>>
  pickOverload(const BlockingCall &Call, unsigned NumWritten,
               const ValueDecl *H) const {
    if (!Call.OverloadScope)
      return std::nullopt;
    auto Candidates = utils::findStopAwareOverloads(
        Call.OverloadScope, Call.OverloadName, NumWritten, Call.Callee,
        Check.StopHandleTypes);
    if (Candidates.empty())
      return std::nullopt;
    const CXXRecordDecl *HandleClass = utils::classOfType(H->getType());
    for (const utils::StopAwareOverload &O : Candidates) {
      const CXXRecordDecl *P = utils::classOfType(O.ParamType);
      if (HandleClass && P &&
          HandleClass->getCanonicalDecl() == P->getCanonicalDecl())
        return std::make_pair(O, H->getName().str());
    }
    for (const utils::StopAwareOverload &O : Candidates)
      if (utils::convertsToHandleParam(H->getType(), O.ParamType))
        return std::make_pair(O, H->getName().str());
    return std::make_pair(Candidates.front(), std::string());
  }

  /// How a diagnostic names the call: 'ch.push', 'p->pop', 'acquire' on 'sem'.
  std::string callableText(const BlockingCall &Call) const {
    std::string Obj = sourceText(Call.Object);
    if (Obj.empty())
      return Call.Name;
    if (Call.Kind == BlockingKind::Constructor)
      return Call.Name + "' on '" + Obj;
    return Obj + (Call.IsArrow ? "->" : ".") + Call.Name;
  }

  void report(const BlockingCall &Call, llvm::ArrayRef<const Expr *> Written,
              const ValueDecl *H, unsigned Count) {
    std::string Callable = callableText(Call);
    std::string HName = H->getName().str();
    std::string Nearest = nearestNote(Count);

    switch (Call.Kind) {
    case BlockingKind::Member:
    case BlockingKind::CondVarAny:
    case BlockingKind::ContextWait:
    case BlockingKind::Free:
    case BlockingKind::Constructor: {
      if (auto Picked = pickOverload(Call, Written.size(), H)) {
        auto D = Call.Kind == BlockingKind::Constructor
                     ? Check.diag(Call.Loc,
                                  "'%0' acquires and blocks, ignoring stop "
                                  "handle '%1'%2; pass it to the stop-aware "
                                  "constructor")
                     : Check.diag(Call.Loc,
                                  "call to '%0' blocks and ignores stop "
                                  "handle '%1'%2; pass it to the stop-aware "
                                  "overload");
        D << Callable << HName << Nearest;
        if (auto Fix = insertArgument(Call, Written, Picked->first.InsertIndex,
                                      Picked->second))
          D << *Fix;
      } else if (Call.Kind == BlockingKind::CondVarAny) {
        Check.diag(Call.Loc,
                   "call to '%0' blocks and ignores stop handle '%1'%2; use "
                   "the stop-aware overload, which takes a predicate: "
                   "'%0(lock, %1, ..., pred)'")
            << Callable << HName << Nearest;
      } else {
        Check.diag(Call.Loc, "call to '%0' blocks and ignores stop handle "
                             "'%1'%2; '%3' has no stop-aware overload")
            << Callable << HName << Nearest << Call.Name;
      }
      break;
    }
    case BlockingKind::CondVar:
      Check.diag(Call.Loc, "call to '%0' on a std::condition_variable cannot "
                           "observe stop handle '%1'%2; use "
                           "std::condition_variable_any and pass '%1' to '%3'")
          << Callable << HName << Nearest << Call.Name;
      break;
    case BlockingKind::StdSemaphore:
      Check.diag(Call.Loc, "call to '%0' on a std::counting_semaphore cannot "
                           "observe stop handle '%1'%2; use "
                           "leakguard::semaphore with 'acquire(%1)', or poll "
                           "'try_acquire_for' and check '%1'")
          << Callable << HName << Nearest;
      break;
    case BlockingKind::Sleep:
      reportSleep(Call, Written, H, Nearest);
      break;
    }
    noteHandle(H);
  }

  void reportSleep(const BlockingCall &Call,
                   llvm::ArrayRef<const Expr *> Written, const ValueDecl *H,
                   const std::string &Nearest) {
    const FunctionDecl *Sleep = leakguardSleep(Call.Name);
    if (!Sleep) {
      Check.diag(Call.Loc, "'std::this_thread::%0' cannot be interrupted "
                           "through stop handle '%1'%2; wait on a "
                           "std::condition_variable_any with '%1' instead")
          << Call.Name << H->getName() << Nearest;
      return;
    }
    auto D = Check.diag(Call.Loc, "'std::this_thread::%0' cannot be "
                                  "interrupted through stop handle '%1'%2; "
                                  "use 'leakguard::%0(..., %1)'")
             << Call.Name << H->getName() << Nearest;
    const auto *Ref = Call.CalleeRef;
    if (!Ref || Ref->hasExplicitTemplateArgs() || Written.size() != 1 ||
        !sleepArgumentConverts(Written[0], Sleep) ||
        Ref->getBeginLoc().isMacroID())
      return;
    std::string Arg = utils::convertsToHandleParam(
                          H->getType(), Sleep->getParamDecl(1)->getType())
                          ? H->getName().str()
                          : std::string();
    if (std::optional<FixItHint> Insert = insertArgument(Call, Written, 1, Arg))
      D << FixItHint::CreateReplacement(
               CharSourceRange::getTokenRange(Ref->getSourceRange()),
               "leakguard::" + Call.Name)
        << *Insert;
  }

  void onCall(const CallExpr *CE) {
    unsigned Count;
    const ValueDecl *H = nearestHandle(Count);
    if (!H)
      return;
    BlockingCall Call;
    if (!classify(CE, Call)) {
      onHelperCall(CE, H, Count);
      return;
    }
    Call.CalleeRef = dyn_cast<DeclRefExpr>(CE->getCallee()->IgnoreParenImpCasts());
    if (Call.Kind == BlockingKind::ContextWait && Call.Object) {
      // Waiting on a context handle is waiting for cancellation itself.
      if (const auto *DRE =
              dyn_cast<DeclRefExpr>(Call.Object->IgnoreParenImpCasts()))
        if (isHandle(DRE->getDecl()))
          return;
    }
    llvm::SmallVector<const Expr *, 4> Written;
    llvm::SmallVector<const Expr *, 4> Args(CE->arguments());
    if (!writtenArguments(Args, Written))
      return;
    if (!Check.Reported.insert(CE).second)
      return;
    report(Call, Written, H, Count);
  }

  static bool isBlockingConstruction(const CXXConstructExpr *CE) {
    const CXXConstructorDecl *Ctor = CE->getConstructor();
    if (!Ctor || Ctor->isCopyOrMoveConstructor())
      return false;
    const CXXRecordDecl *Class = Ctor->getParent();
    return llvm::any_of(BuiltinBlockingConstructors, [Class](const char *N) {
      return utils::qualifiedNameMatches(Class, N);
    });
  }

  void onConstruct(const CXXConstructExpr *CE) {
    unsigned Count;
    const ValueDecl *H = nearestHandle(Count);
    if (!H)
      return;
    if (!isBlockingConstruction(CE))
      return;
    const CXXConstructorDecl *Ctor = CE->getConstructor();
    const CXXRecordDecl *Class = Ctor->getParent();
    BlockingCall Call;
    Call.Kind = BlockingKind::Constructor;
    Call.Callee = Ctor;
    Call.OverloadScope = Class;
    Call.OverloadName = Ctor->getDeclName();
    Call.Name = Class->getName().str();
    Call.Loc = CE->getBeginLoc();
    Call.Begin = CE->getBeginLoc();
    Call.End = CE->getEndLoc();
    SourceRange Parens = CE->getParenOrBraceRange();
    if (Parens.isInvalid())
      return;
    Call.RParen = Parens.getEnd();
    llvm::SmallVector<const Expr *, 4> Written;
    llvm::SmallVector<const Expr *, 4> Args(CE->arguments());
    if (!writtenArguments(Args, Written))
      return;
    if (!Written.empty())
      Call.Object = Written.front();
    if (!Check.Reported.insert(CE).second)
      return;
    report(Call, Written, H, Count);
  }

  // ---- Helpers: user functions that block without taking a handle ----

  /// True for a function whose calls are followed: user code with a body in
  /// this translation unit (not in a system header, the standard library or
  /// leakguard) that takes no stop handle. A function that takes one is
  /// stop-aware; its own body is checked where it is defined.
  bool isFollowedHelper(const FunctionDecl *FD) const {
    if (!FD)
      return false;
    const FunctionDecl *Def = FD->getDefinition();
    if (!Def || !Def->getBody() || Def->isImplicit() ||
        SM.isInSystemHeader(Def->getLocation()) || Def->isInStdNamespace())
      return false;
    if (const auto *MD = dyn_cast<CXXMethodDecl>(Def);
        MD && MD->getParent()->isLambda())
      return false;
    for (const DeclContext *DC = Def->getDeclContext(); DC; DC = DC->getParent())
      if (const auto *NS = dyn_cast<NamespaceDecl>(DC);
          NS && NS->getName() == "leakguard" && NS->getParent()->isTranslationUnit())
        return false;
    return llvm::none_of(Def->parameters(), [this](const ParmVarDecl *P) {
      return utils::isStopHandleType(P->getType(), Check.StopHandleTypes);
    });
  }

  bool anyHandleTyped(llvm::ArrayRef<const Expr *> Args) const {
    return llvm::any_of(Args, [this](const Expr *A) {
      return utils::isStopHandleType(A->getType(), Check.StopHandleTypes) ||
             utils::isStopHandleType(A->IgnoreParenImpCasts()->getType(),
                                     Check.StopHandleTypes);
    });
  }

  /// Where helper \p FD blocks without a handle (memoised per unit).
  StopAwareBlockingCheck::HelperBlock helperBlock(const FunctionDecl *FD) {
    FD = FD->getDefinition();
    if (auto It = Check.HelperBlocks.find(FD); It != Check.HelperBlocks.end())
      return It->second;
    Check.HelperBlocks[FD] = {}; // in progress: recursion stops here
    StopAwareBlockingCheck::HelperBlock Found = unawareBlockIn(FD->getBody());
    Check.HelperBlocks[FD] = Found;
    return Found;
  }

  /// The first statement under \p S (not inside a lambda, whose body runs
  /// when it is called) that blocks and passes no stop handle.
  StopAwareBlockingCheck::HelperBlock unawareBlockIn(const Stmt *S) {
    if (!S || isa<LambdaExpr>(S))
      return {};
    if (const auto *FS = dyn_cast<CXXForRangeStmt>(S)) {
      if (const Expr *Range = FS->getRangeInit())
        if (const CXXRecordDecl *RD = utils::classOfType(Range->getType());
            RD && utils::qualifiedNameMatchesOneOf(RD, Check.ChannelTypes)) {
          std::string Obj = sourceText(Range);
          return {FS, "a range-for over '" + (Obj.empty() ? RD->getName().str() : Obj) + "'",
                  nullptr};
        }
    } else if (const auto *CE = dyn_cast<CallExpr>(S)) {
      llvm::SmallVector<const Expr *, 4> Args(CE->arguments());
      BlockingCall Call;
      if (classify(CE, Call)) {
        if (Call.Kind != BlockingKind::ContextWait && !anyHandleTyped(Args))
          return {CE, "'" + callableText(Call) + "'", nullptr};
      } else if (!isa<CXXOperatorCallExpr>(CE) &&
                 isFollowedHelper(CE->getDirectCallee()) && !anyHandleTyped(Args)) {
        StopAwareBlockingCheck::HelperBlock Inner = helperBlock(CE->getDirectCallee());
        if (Inner.Site)
          return {CE, Inner.Blocking, CE->getDirectCallee()};
      }
    } else if (const auto *CE = dyn_cast<CXXConstructExpr>(S)) {
      llvm::SmallVector<const Expr *, 4> Args(CE->arguments());
      if (isBlockingConstruction(CE) && !anyHandleTyped(Args))
        return {CE, "'" + CE->getConstructor()->getParent()->getName().str() + "'", nullptr};
    }
    for (const Stmt *Child : S->children())
      if (StopAwareBlockingCheck::HelperBlock B = unawareBlockIn(Child); B.Site)
        return B;
    return {};
  }

  /// Where a diagnostic about \p S points: the called name ('push' in
  /// 'ch.push(1)', 'send' in 'helper::send(ch)'), a range-for's range, else
  /// the start.
  static SourceLocation nameLoc(const Stmt *S) {
    if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(S))
      return MCE->getExprLoc();
    if (const auto *CE = dyn_cast<CallExpr>(S))
      if (const auto *DRE = dyn_cast<DeclRefExpr>(CE->getCallee()->IgnoreParenImpCasts()))
        return DRE->getLocation();
    if (const auto *FS = dyn_cast<CXXForRangeStmt>(S))
      if (const Expr *Range = FS->getRangeInit())
        return Range->getBeginLoc();
    return S->getBeginLoc();
  }

  /// A call to a helper that blocks without a handle while one is in scope.
  void onHelperCall(const CallExpr *CE, const ValueDecl *H, unsigned Count) {
    if (!Check.FollowHelpers || isa<CXXOperatorCallExpr>(CE))
      return;
    const FunctionDecl *FD = CE->getDirectCallee();
    if (!isFollowedHelper(FD))
      return;
    llvm::SmallVector<const Expr *, 4> Written;
    llvm::SmallVector<const Expr *, 4> Args(CE->arguments());
    if (!writtenArguments(Args, Written))
      return;
    StopAwareBlockingCheck::HelperBlock B = helperBlock(FD);
    if (!B.Site || !Check.Reported.insert(CE).second)
      return;
    std::string Name = FD->getNameAsString();
    Check.diag(nameLoc(CE),
               "call to '%0' blocks and ignores stop handle '%1'%2: '%0' "
               "takes no stop handle and blocks in %3; give it a stop handle "
               "parameter and pass '%1'")
        << Name << H->getName() << nearestNote(Count) << B.Blocking;
    if (B.Through)
      Check.diag(nameLoc(B.Site), "'%0' blocks through this call to '%1'",
                 DiagnosticIDs::Note)
          << Name << B.Through->getNameAsString();
    else
      Check.diag(nameLoc(B.Site), "'%0' blocks here", DiagnosticIDs::Note)
          << Name;
    noteHandle(H);
  }
};

StopAwareBlockingCheck::StopAwareBlockingCheck(StringRef Name,
                                               ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      RawStopHandleTypes(Options.get("StopHandleTypes", DefaultStopHandleTypes)),
      RawChannelTypes(Options.get("ChannelTypes", DefaultChannelTypes)),
      RawBlockingFunctions(Options.get("BlockingFunctions", "")),
      RawFollowHelpers(Options.get("FollowHelpers", "true")),
      Scope(Context) {
  FollowHelpers = utils::parseBoolOption(*this, "FollowHelpers",
                                         RawFollowHelpers, true);
  StopHandleTypes = utils::parseQualifiedNameList(*this, "StopHandleTypes",
                                                  RawStopHandleTypes);
  // The list replaces the default, so an empty (or all-invalid) one would
  // switch the check off without a word; say so once instead.
  if (StopHandleTypes.empty())
    configurationDiag("option 'StopHandleTypes' names no valid type; "
                      "leakguard-stop-aware-blocking finds no stop handle in "
                      "scope and flags nothing (disable the check instead, or "
                      "list '::std::stop_token;::leakguard::context')");
  ChannelTypes =
      utils::parseQualifiedNameList(*this, "ChannelTypes", RawChannelTypes);
  for (const std::string &Entry : utils::parseQualifiedNameList(
           *this, "BlockingFunctions", RawBlockingFunctions)) {
    size_t Sep = Entry.rfind("::");
    if (Sep == std::string::npos || Sep == 0 ||
        (Entry.rfind("::", 0) == 0 && Entry.find("::", 2) == std::string::npos)) {
      configurationDiag("invalid entry '%0' in option 'BlockingFunctions'; "
                        "expected 'Type::function' such as "
                        "'boost::fibers::buffered_channel::push'")
          << Entry;
      continue;
    }
    BlockingFunctions.push_back({Entry.substr(0, Sep), Entry.substr(Sep + 2)});
  }
}

void StopAwareBlockingCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "StopHandleTypes", RawStopHandleTypes);
  Options.store(Opts, "ChannelTypes", RawChannelTypes);
  Options.store(Opts, "BlockingFunctions", RawBlockingFunctions);
  Options.store(Opts, "FollowHelpers", FollowHelpers ? "true" : "false");
}

void StopAwareBlockingCheck::onStartOfTranslationUnit() {
  AnalysedRoots.clear();
  Reported.clear();
  HelperBlocks.clear();
}

void StopAwareBlockingCheck::registerMatchers(MatchFinder *Finder) {
  if (StopHandleTypes.empty())
    return;
  // Two narrow node kinds (not every ValueDecl): MatchFinder dispatches by
  // kind, so functions, fields and enumerators never reach the matcher.
  Finder->addMatcher(varDecl(stopHandleDeclIn(&StopHandleTypes)).bind("h"),
                     this);
  Finder->addMatcher(bindingDecl(stopHandleDeclIn(&StopHandleTypes)).bind("h"),
                     this);
}

void StopAwareBlockingCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Handle = Result.Nodes.getNodeAs<ValueDecl>("h");
  if (!Handle)
    return;
  const auto *FD = dyn_cast_or_null<FunctionDecl>(Handle->getDeclContext());
  if (!FD)
    return;
  const FunctionDecl *Root = outermostFunction(FD);
  if (!Root->doesThisDeclarationHaveABody() ||
      !AnalysedRoots.insert(Root).second)
    return;
  if (inTemplateInstantiation(Root) || Root->isImplicit())
    return;
  if (!Scope.shouldAnalyze(Root->getLocation(), *Result.SourceManager))
    return;
  StopAwareBodyWalker(*this, *Result.Context).walkRoot(Root);
}

} // namespace clang::tidy::leakguard
