//===--- SemaphoreFlow.cpp ------------------------------------------------===//

#include "SemaphoreFlow.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/FoldingSet.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>

namespace clang::tidy::leakguard::utils {

//===----------------------------------------------------------------------===//
// Type model
//===----------------------------------------------------------------------===//

SemaphoreModel::SemaphoreModel(const std::vector<std::string> &Semaphores,
                               const std::vector<std::string> &Guards) {
  for (const std::string &N : Semaphores)
    SemNames.insert(llvm::StringRef(N).ltrim(':'));
  for (const std::string &N : Guards)
    GuardNames.insert(llvm::StringRef(N).ltrim(':'));
}

static const NamedDecl *recordOrTemplate(QualType T) {
  if (T.isNull())
    return nullptr;
  T = T.getNonReferenceType();
  if (const auto *PT = T->getAs<PointerType>())
    T = PT->getPointeeType();
  if (const CXXRecordDecl *RD = T->getAsCXXRecordDecl())
    return RD;
  if (const auto *TST = T->getAs<TemplateSpecializationType>())
    return TST->getTemplateName().getAsTemplateDecl();
  return nullptr;
}

bool SemaphoreModel::inSet(QualType T, const llvm::StringSet<> &Names,
                           llvm::DenseMap<const Decl *, bool> &Cache) const {
  const NamedDecl *D = recordOrTemplate(T);
  if (!D)
    return false;
  auto [It, Inserted] = Cache.try_emplace(D, false);
  if (Inserted)
    It->second = Names.contains(D->getQualifiedNameAsString());
  return It->second;
}

bool SemaphoreModel::isSemaphore(QualType T) const {
  return inSet(T, SemNames, SemCache);
}

bool SemaphoreModel::isGuard(QualType T) const {
  return inSet(T, GuardNames, GuardCache);
}

std::string SemaphoreModel::semaphoreName(QualType T) const {
  const NamedDecl *D = recordOrTemplate(T);
  return D ? D->getQualifiedNameAsString() : std::string();
}

//===----------------------------------------------------------------------===//
// Keys
//===----------------------------------------------------------------------===//

std::optional<SemaphoreKey> semaphoreKeyOf(const Expr *Object) {
  if (!Object)
    return std::nullopt;
  Object = Object->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(Object)) {
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      return SemaphoreKey{VD, nullptr};
    return std::nullopt;
  }
  if (const auto *ME = dyn_cast<MemberExpr>(Object)) {
    const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl());
    if (!FD)
      return std::nullopt;
    const Expr *Base = ME->getBase()->IgnoreParenImpCasts();
    if (isa<CXXThisExpr>(Base))
      return SemaphoreKey{nullptr, FD};
    if (const auto *DRE = dyn_cast<DeclRefExpr>(Base))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        return SemaphoreKey{VD, FD};
  }
  return std::nullopt;
}

namespace {

constexpr unsigned MaxKeys = 8;
constexpr unsigned MaxSteps = 20000;
constexpr unsigned MaxHeld = 4;

enum class OpKind { Acquire, CondAcquire, Release };
enum class UseKind { Branch, Var, Unchecked, Untracked };

struct OpRecord {
  const CXXMemberCallExpr *Call;
  unsigned Key;
  OpKind K;
  UseKind Use = UseKind::Untracked;
  const VarDecl *UseVar = nullptr;
  const Stmt *LinkStmt = nullptr; // the assignment that stores the result
};

struct Event {
  enum Kind {
    SemOp,    // an acquire / release on a tracked semaphore
    Transfer, // ownership handed on
    HandOff,  // handed to a callable that releases it (spawned task)
    LocalCall, // a local callable that releases is invoked
    WriteVar, // a local scalar is written: forget what we knew of it
    MayThrow, // a call that may throw
    Jump,     // return / throw / co_return
  };
  Kind K;
  unsigned Key = 0;
  const OpRecord *Op = nullptr;
  const VarDecl *Var = nullptr;
  const LambdaExpr *Lambda = nullptr;
};

struct HeldPermit {
  const CallExpr *Acq;
  const Stmt *Jump; // first jump that left the acquire's scope (not hashed)
};

struct KeyState {
  llvm::SmallVector<HeldPermit, 1> Held;
  const CallExpr *Pending = nullptr;   // bool acquire, result not yet tested
  const VarDecl *PendingVar = nullptr; // ... stored in this local
  const CallExpr *Failed = nullptr;    // last attempt failed / unchecked
  bool FailedUnchecked = false;
};

struct PathState {
  llvm::SmallVector<KeyState, 2> Keys;
  llvm::SmallVector<std::pair<unsigned, bool>, 4> Facts; // sorted by hash

  size_t hash() const {
    llvm::hash_code H = llvm::hash_value(Keys.size());
    for (const KeyState &K : Keys) {
      for (const HeldPermit &P : K.Held)
        H = llvm::hash_combine(H, P.Acq);
      H = llvm::hash_combine(H, K.Held.size(), K.Pending, K.PendingVar,
                             K.Failed, K.FailedUnchecked);
    }
    for (const auto &F : Facts)
      H = llvm::hash_combine(H, F.first, F.second);
    return H;
  }
};

bool isSemaphoreMethodName(llvm::StringRef Name) {
  return Name == "acquire" || Name == "release" || Name == "try_acquire" ||
         Name == "try_acquire_for" || Name == "try_acquire_until";
}

/// The semaphore that \p C calls acquire / release / try_acquire* on, or
/// null when \p C is no such call.
const Expr *semaphoreCallObject(const CXXMemberCallExpr *C,
                                const SemaphoreModel &Model) {
  const CXXMethodDecl *MD = C->getMethodDecl();
  if (!MD || !MD->getIdentifier() || !isSemaphoreMethodName(MD->getName()))
    return nullptr;
  const Expr *Obj = C->getImplicitObjectArgument();
  if (!Obj || !Model.isSemaphore(Obj->getType()))
    return nullptr;
  return Obj;
}

const Expr *stripCondition(const Expr *E, bool &Negated) {
  while (E) {
    E = E->IgnoreParenImpCasts();
    if (const auto *EWC = dyn_cast<ExprWithCleanups>(E)) {
      E = EWC->getSubExpr();
      continue;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E);
        UO && UO->getOpcode() == UO_LNot) {
      Negated = !Negated;
      E = UO->getSubExpr();
      continue;
    }
    break;
  }
  return E;
}

bool isLoop(const Stmt *S) {
  return isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt>(S);
}

/// Collects what the CFG walk needs to know about one body: the semaphore
/// operations, the mentions of the semaphores, lambdas, calls that may throw,
/// jumps and writes to local scalars. Does not enter lambda bodies or local
/// classes.
class Collector : public RecursiveASTVisitor<Collector> {
public:
  Collector(const SemaphoreModel &Model, const Stmt *Root)
      : Model(Model), Root(Root) {}
  bool shouldVisitLambdaBody() const { return false; }

  bool TraverseDecl(Decl *D) {
    if (D && (isa<FunctionDecl>(D) || isa<RecordDecl>(D)))
      return true; // local classes have their own bodies
    return RecursiveASTVisitor::TraverseDecl(D);
  }

  bool VisitCXXMemberCallExpr(CXXMemberCallExpr *C) {
    if (semaphoreCallObject(C, Model))
      SemCalls.push_back(C);
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *E) {
    Refs.push_back(E);
    return true;
  }
  bool VisitCXXThisExpr(CXXThisExpr *E) {
    Thises.push_back(E);
    return true;
  }
  bool VisitLambdaExpr(LambdaExpr *E) {
    Lambdas.push_back(E);
    return true;
  }
  bool VisitExpr(Expr *E) {
    if (isa<CallExpr, CXXConstructExpr, CXXNewExpr>(E))
      Calls.push_back(E);
    return true;
  }
  bool VisitVarDecl(VarDecl *VD) {
    Vars.push_back(VD);
    return true;
  }

  const SemaphoreModel &Model;
  const Stmt *Root;
  llvm::SmallVector<const CXXMemberCallExpr *, 8> SemCalls;
  llvm::SmallVector<const DeclRefExpr *, 32> Refs;
  llvm::SmallVector<const CXXThisExpr *, 8> Thises;
  llvm::SmallVector<const LambdaExpr *, 4> Lambdas;
  llvm::SmallVector<const Expr *, 32> Calls;
  llvm::SmallVector<const VarDecl *, 16> Vars;
};

/// What a lambda body does with the tracked semaphores (nested lambdas
/// included): which it mentions other than to acquire (releases, hands on),
/// and which it acquires.
class LambdaScan : public RecursiveASTVisitor<LambdaScan> {
public:
  LambdaScan(const SemaphoreModel &Model) : Model(Model) {}
  bool VisitCXXMemberCallExpr(CXXMemberCallExpr *C) {
    const Expr *Obj = semaphoreCallObject(C, Model);
    if (!Obj)
      return true;
    std::optional<SemaphoreKey> K = semaphoreKeyOf(Obj);
    if (!K)
      return true;
    if (C->getMethodDecl()->getName() == "release")
      Touched.push_back(*K);
    else
      Acquired.push_back(*K);
    AcquireObjects.insert(Obj->IgnoreParenImpCasts());
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *E) {
    Refs.push_back(E);
    return true;
  }
  bool VisitCXXThisExpr(CXXThisExpr *E) {
    Thises.push_back(E);
    return true;
  }
  const SemaphoreModel &Model;
  llvm::SmallVector<SemaphoreKey, 4> Touched, Acquired;
  llvm::SmallPtrSet<const Expr *, 4> AcquireObjects;
  llvm::SmallVector<const DeclRefExpr *, 16> Refs;
  llvm::SmallVector<const CXXThisExpr *, 4> Thises;
};

class Analyzer {
public:
  Analyzer(const Decl *D, Stmt *Body, ASTContext &Ctx,
           const SemaphoreModel &Model, const FlowOptions &Opts)
      : D(D), Body(Body), Ctx(Ctx), Model(Model), Opts(Opts), PM(Body) {}

  FlowResult run();

private:
  // Precomputation.
  std::optional<unsigned> keyId(const SemaphoreKey &K, bool Create);
  void classifyOps(Collector &C);
  void classifyLambdas(Collector &C);
  void classifyMentions(Collector &C);
  void classifyCalls(Collector &C);
  UseKind useOf(const CXXMemberCallExpr *Call, const VarDecl *&Var,
                const Stmt *&Link);
  bool isTransferPosition(const Expr *Mention, const OpRecord *&OpObject);
  const Stmt *parentSkippingCasts(const Stmt *S, bool SkipLValueToRValue,
                                  const Stmt **Child = nullptr) const;
  bool isInside(const Stmt *S, const Stmt *Ancestor) const;
  bool insideTry(const Stmt *S) const;
  bool mayThrow(const Expr *E) const;
  void addEvent(const Stmt *S, Event E) { Events[S].push_back(E); }
  void markHandedOn(unsigned K) {
    KeyReleased[K] = true;
    if (!llvm::is_contained(Result.HandedOn, Keys[K]))
      Result.HandedOn.push_back(Keys[K]);
  }
  void transferAll(const Stmt *S, const ValueDecl *Base, bool ThisKeys);

  // Path walk.
  void walk(const CFG &Cfg, PathState Init);
  bool applyStmt(const Stmt *S, PathState &St);
  void applyJump(const Stmt *J, PathState &St);
  void acquireHeld(PathState &St, unsigned Key, const CallExpr *Acq);
  void refine(PathState &St, const Expr *Core, bool Value);
  void exitCheck(const PathState &St);
  void killVar(PathState &St, const VarDecl *V);
  std::optional<std::pair<unsigned, bool>> factOf(const Expr *Cond);
  bool pureCondition(const Expr *E, llvm::SmallVectorImpl<const VarDecl *> &Vars);
  unsigned profileHash(const Expr *E);
  bool jumpLeaves(const Stmt *J, const CallExpr *Acq);
  const Stmt *scopeOf(const CallExpr *Acq);

  void reportLeak(LeakReport::Kind K, const CallExpr *Acq, const Stmt *Escape);

  const Decl *D;
  Stmt *Body;
  ASTContext &Ctx;
  const SemaphoreModel &Model;
  const FlowOptions &Opts;
  ParentMap PM;

  llvm::SmallVector<SemaphoreKey, 4> Keys;
  llvm::SmallVector<bool, 4> KeyReleased; // a release / hand-on exists
  std::vector<std::unique_ptr<OpRecord>> Ops;
  llvm::DenseMap<const Stmt *, const OpRecord *> OpOfCall;
  llvm::DenseMap<const Stmt *, llvm::SmallVector<Event, 1>> Events;
  llvm::DenseMap<const VarDecl *, const OpRecord *> LinkOfVar;
  llvm::DenseMap<const VarDecl *, llvm::SmallVector<unsigned, 2>>
      LocalCallables;
  llvm::DenseMap<const VarDecl *, llvm::SmallVector<unsigned, 2>> FactsOfVar;
  llvm::DenseMap<const CallExpr *, const Stmt *> ScopeCache;

  FlowResult Result;
  llvm::DenseSet<const CallExpr *> Reported;
  llvm::DenseSet<const CallExpr *> ReportedReleases;
  llvm::DenseSet<std::pair<const LambdaExpr *, const CallExpr *>> HandOffSeen;
  const CallExpr *HandOffAcquire = nullptr;
};

std::optional<unsigned> Analyzer::keyId(const SemaphoreKey &K, bool Create) {
  for (unsigned I = 0; I < Keys.size(); ++I)
    if (Keys[I] == K)
      return I;
  if (!Create || Keys.size() >= MaxKeys)
    return std::nullopt;
  Keys.push_back(K);
  KeyReleased.push_back(false);
  return Keys.size() - 1;
}

const Stmt *Analyzer::parentSkippingCasts(const Stmt *S,
                                          bool SkipLValueToRValue,
                                          const Stmt **Child) const {
  const Stmt *P = PM.getParent(S);
  while (P) {
    if (isa<ParenExpr>(P)) {
      S = P;
      P = PM.getParent(P);
      continue;
    }
    if (const auto *ICE = dyn_cast<ImplicitCastExpr>(P)) {
      if (ICE->getCastKind() != CK_LValueToRValue || SkipLValueToRValue) {
        S = P;
        P = PM.getParent(P);
        continue;
      }
    }
    break;
  }
  if (Child)
    *Child = S;
  return P;
}

bool Analyzer::isInside(const Stmt *S, const Stmt *Ancestor) const {
  for (; S; S = PM.getParent(S))
    if (S == Ancestor)
      return true;
  return false;
}

bool Analyzer::insideTry(const Stmt *S) const {
  const Stmt *Child = S;
  for (const Stmt *P = PM.getParent(S); P; Child = P, P = PM.getParent(P))
    if (const auto *Try = dyn_cast<CXXTryStmt>(P))
      if (Try->getTryBlock() == Child)
        return true;
  return false;
}

UseKind Analyzer::useOf(const CXXMemberCallExpr *Call, const VarDecl *&Var,
                        const Stmt *&Link) {
  const Stmt *Child = Call;
  const Stmt *P = PM.getParent(Call);
  while (P) {
    if (isa<ParenExpr, ImplicitCastExpr, ExprWithCleanups>(P) ||
        (isa<UnaryOperator>(P) &&
         cast<UnaryOperator>(P)->getOpcode() == UO_LNot)) {
      Child = P;
      P = PM.getParent(P);
      continue;
    }
    break;
  }
  if (!P)
    return UseKind::Untracked;
  if (const auto *If = dyn_cast<IfStmt>(P))
    return If->getCond() == Child ? UseKind::Branch : UseKind::Unchecked;
  if (const auto *W = dyn_cast<WhileStmt>(P))
    return W->getCond() == Child ? UseKind::Branch : UseKind::Unchecked;
  if (const auto *Do = dyn_cast<DoStmt>(P))
    return Do->getCond() == Child ? UseKind::Branch : UseKind::Unchecked;
  if (const auto *F = dyn_cast<ForStmt>(P))
    return F->getCond() == Child ? UseKind::Branch : UseKind::Unchecked;
  // `sem.try_acquire() ? a : b` picks a value; the permit is not followed.
  if (isa<ConditionalOperator>(P))
    return UseKind::Untracked;
  if (const auto *BO = dyn_cast<BinaryOperator>(P)) {
    if (BO->isLogicalOp())
      return UseKind::Branch;
    if (BO->getOpcode() == BO_Assign && BO->getRHS() == Child)
      if (const auto *DRE =
              dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts()))
        if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
            VD && VD->hasLocalStorage() && !VD->getType()->isReferenceType()) {
          Var = VD;
          Link = BO;
          return UseKind::Var;
        }
    return UseKind::Untracked;
  }
  if (const auto *DS = dyn_cast<DeclStmt>(P)) {
    for (const Decl *Dcl : DS->decls())
      if (const auto *VD = dyn_cast<VarDecl>(Dcl))
        if (VD->getInit() && VD->getInit()->IgnoreParenImpCasts() ==
                                 cast<Expr>(Child)->IgnoreParenImpCasts() &&
            VD->hasLocalStorage() && !VD->getType()->isReferenceType()) {
          Var = VD;
          return UseKind::Var;
        }
    return UseKind::Untracked;
  }
  if (const auto *CE = dyn_cast<CStyleCastExpr>(P))
    return CE->getType()->isVoidType() ? UseKind::Unchecked
                                       : UseKind::Untracked;
  if (isa<CompoundStmt, CaseStmt, DefaultStmt, LabelStmt>(P))
    return UseKind::Unchecked;
  return UseKind::Untracked;
}

void Analyzer::classifyOps(Collector &C) {
  for (const CXXMemberCallExpr *Call : C.SemCalls) {
    std::optional<SemaphoreKey> K =
        semaphoreKeyOf(Call->getImplicitObjectArgument());
    if (!K)
      continue;
    const CXXMethodDecl *MD = Call->getMethodDecl();
    auto Rec = std::make_unique<OpRecord>();
    Rec->Call = Call;
    if (MD->getName() == "release") {
      Rec->K = OpKind::Release;
    } else if (MD->getReturnType()->isVoidType() &&
               MD->getName() == "acquire") {
      Rec->K = OpKind::Acquire;
    } else if (MD->getReturnType()->isBooleanType()) {
      Rec->K = OpKind::CondAcquire;
    } else {
      continue;
    }
    // Keys are created by acquires first so that a release-only key does not
    // use up the budget; releases of unknown keys are recorded after.
    std::optional<unsigned> Id = keyId(*K, Rec->K != OpKind::Release);
    if (!Id)
      continue;
    Rec->Key = *Id;
    if (Rec->K == OpKind::CondAcquire)
      Rec->Use = useOf(Call, Rec->UseVar, Rec->LinkStmt);
    if (Rec->K == OpKind::Release)
      KeyReleased[*Id] = true;
    OpOfCall[Call] = Rec.get();
    Result.Ops.push_back({Call, *K});
    Ops.push_back(std::move(Rec));
  }
  // Releases seen before the acquire of the same key in source order.
  for (const CXXMemberCallExpr *Call : C.SemCalls) {
    if (OpOfCall.count(Call))
      continue;
    std::optional<SemaphoreKey> K =
        semaphoreKeyOf(Call->getImplicitObjectArgument());
    if (!K || Call->getMethodDecl()->getName() != "release")
      continue;
    std::optional<unsigned> Id = keyId(*K, false);
    if (!Id)
      continue;
    auto Rec = std::make_unique<OpRecord>();
    Rec->Call = Call;
    Rec->K = OpKind::Release;
    Rec->Key = *Id;
    KeyReleased[*Id] = true;
    OpOfCall[Call] = Rec.get();
    Result.Ops.push_back({Call, *K});
    Ops.push_back(std::move(Rec));
  }
  for (const auto &Rec : Ops) {
    if (Rec->Use != UseKind::Var)
      continue;
    if (Rec->LinkStmt)
      addEvent(Rec->LinkStmt, {Event::WriteVar, 0, Rec.get(), Rec->UseVar});
    else
      LinkOfVar[Rec->UseVar] = Rec.get();
  }
  for (const auto &Rec : Ops)
    addEvent(Rec->Call, {Event::SemOp, Rec->Key, Rec.get()});
}

// Is the mention (a reference to a semaphore variable, or a member
// expression naming a semaphore field) used in a way that may hand the
// semaphore on? Being the object of a call of one of its own const methods,
// or of acquire/release, is not.
bool Analyzer::isTransferPosition(const Expr *Mention,
                                  const OpRecord *&OpObject) {
  const Stmt *Child = nullptr;
  const Stmt *P = parentSkippingCasts(Mention, /*SkipLValueToRValue=*/true,
                                      &Child);
  if (!P)
    return false;
  if (const auto *UO = dyn_cast<UnaryOperator>(P);
      UO && UO->getOpcode() == UO_Deref)
    return isTransferPosition(UO, OpObject);
  if (const auto *ME = dyn_cast<MemberExpr>(P)) {
    if (const auto *MD = dyn_cast<CXXMethodDecl>(ME->getMemberDecl())) {
      if (const Stmt *Call = PM.getParent(ME))
        if (const OpRecord *Op = OpOfCall.lookup(Call)) {
          OpObject = Op;
          return false;
        }
      if (isSemaphoreMethodName(MD->getName()))
        return false; // an untracked form of the same operations
      return !MD->isConst();
    }
    return false;
  }
  return true;
}

void Analyzer::transferAll(const Stmt *S, const ValueDecl *Base,
                           bool ThisKeys) {
  for (unsigned I = 0; I < Keys.size(); ++I)
    if ((ThisKeys && !Keys[I].Base) || (Base && Keys[I].Base == Base)) {
      addEvent(S, {Event::Transfer, I});
      markHandedOn(I);
    }
}

void Analyzer::classifyLambdas(Collector &C) {
  for (const LambdaExpr *L : C.Lambdas) {
    // Captures by reference may be written when the callable runs.
    for (const LambdaCapture &Cap : L->captures())
      if (Cap.capturesVariable() && Cap.getCaptureKind() == LCK_ByRef)
        if (const auto *VD = dyn_cast<VarDecl>(Cap.getCapturedVar()))
          addEvent(L, {Event::WriteVar, 0, nullptr, VD});
    if (Keys.empty())
      continue;
    LambdaScan Scan(Model);
    Scan.TraverseStmt(L->getBody());
    llvm::SmallVector<unsigned, 2> Touched;
    auto Touch = [&](const SemaphoreKey &K) {
      if (std::optional<unsigned> Id = keyId(K, false))
        if (!llvm::is_contained(Touched, *Id))
          Touched.push_back(*Id);
    };
    for (const SemaphoreKey &K : Scan.Touched)
      Touch(K);
    // Any other mention of a tracked semaphore inside the lambda (passing it
    // on, taking its address) also hands it over.
    for (const DeclRefExpr *Ref : Scan.Refs) {
      const Expr *M = Ref;
      const auto *VD = dyn_cast<VarDecl>(Ref->getDecl());
      if (!VD)
        continue;
      const Stmt *P = parentSkippingCasts(Ref, true);
      if (const auto *ME = dyn_cast_or_null<MemberExpr>(P))
        if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl())) {
          if (keyId({VD, FD}, false) && !Scan.AcquireObjects.count(ME) &&
              !Scan.AcquireObjects.count(ME->IgnoreParenImpCasts())) {
            const OpRecord *Unused = nullptr;
            if (isTransferPosition(ME, Unused))
              Touch({VD, FD});
          }
          continue;
        }
      if (!keyId({VD, nullptr}, false) || Scan.AcquireObjects.count(M))
        continue;
      const OpRecord *Unused = nullptr;
      if (isTransferPosition(M, Unused))
        Touch({VD, nullptr});
    }
    for (const CXXThisExpr *T : Scan.Thises) {
      const Stmt *P = parentSkippingCasts(T, true);
      if (const auto *ME = dyn_cast_or_null<MemberExpr>(P))
        if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl())) {
          if (keyId({nullptr, FD}, false) && !Scan.AcquireObjects.count(ME)) {
            const OpRecord *Unused = nullptr;
            if (isTransferPosition(ME, Unused))
              Touch({nullptr, FD});
          }
          continue;
        }
      // `this` handed on, or a non-const member function called: every
      // field semaphore may be released there.
      bool Hands = true;
      if (const auto *ME = dyn_cast_or_null<MemberExpr>(P))
        if (const auto *MD = dyn_cast<CXXMethodDecl>(ME->getMemberDecl()))
          Hands = !MD->isConst();
      if (Hands)
        for (unsigned I = 0; I < Keys.size(); ++I)
          if (!Keys[I].Base && !llvm::is_contained(Touched, I))
            Touched.push_back(I);
    }
    if (Touched.empty())
      continue;
    bool AcquiresToo = false;
    for (const SemaphoreKey &K : Scan.Acquired)
      if (std::optional<unsigned> Id = keyId(K, false))
        AcquiresToo |= llvm::is_contained(Touched, *Id);

    // Who consumes the callable?
    const Stmt *Child = L;
    const Stmt *P = PM.getParent(L);
    while (P && (isa<ImplicitCastExpr, ParenExpr, MaterializeTemporaryExpr,
                     CXXBindTemporaryExpr, ExprWithCleanups,
                     CXXFunctionalCastExpr>(P) ||
                 (isa<CXXConstructExpr>(P) &&
                  cast<CXXConstructExpr>(P)->getNumArgs() == 1 &&
                  !Model.isGuard(cast<CXXConstructExpr>(P)->getType()) &&
                  cast<CXXConstructExpr>(P)->getType()->getAsCXXRecordDecl() ==
                      L->getLambdaClass()))) {
      Child = P;
      P = PM.getParent(P);
    }
    bool Deferred = false, Local = false;
    const VarDecl *LocalVar = nullptr;
    if (const auto *DS = dyn_cast_or_null<DeclStmt>(P)) {
      for (const Decl *Dcl : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(Dcl))
          if (VD->getInit() && isInside(L, VD->getInit()) &&
              VD->hasLocalStorage()) {
            if (Model.isGuard(VD->getType()))
              Deferred = true;
            else if (!VD->getType()->isReferenceType()) {
              Local = true;
              LocalVar = VD;
            }
          }
    } else if (const auto *CE = dyn_cast_or_null<Expr>(P)) {
      if (isa<CallExpr, CXXConstructExpr>(CE) && Model.isGuard(CE->getType()))
        Deferred = true;
    }
    (void)Child;
    if (Local && LocalVar) {
      LocalCallables[LocalVar] = Touched;
      for (unsigned K : Touched)
        markHandedOn(K);
      continue;
    }
    for (unsigned K : Touched) {
      markHandedOn(K);
      Event E{Deferred || AcquiresToo ? Event::Transfer : Event::HandOff, K};
      E.Lambda = L;
      addEvent(L, E);
    }
  }
}

void Analyzer::classifyMentions(Collector &C) {
  for (const DeclRefExpr *Ref : C.Refs) {
    const auto *VD = dyn_cast<VarDecl>(Ref->getDecl());
    if (!VD)
      continue;
    // A capture initialiser: the lambda's own classification decides.
    if (isa_and_nonnull<LambdaExpr>(parentSkippingCasts(Ref, true)))
      continue;
    // Writes to local scalars invalidate remembered conditions.
    if (VD->hasLocalStorage() && VD->getType()->isScalarType()) {
      const Stmt *P = parentSkippingCasts(Ref, false);
      const auto *ICE = dyn_cast_or_null<ImplicitCastExpr>(P);
      if (!ICE || ICE->getCastKind() != CK_LValueToRValue)
        addEvent(Ref, {Event::WriteVar, 0, nullptr, VD});
    }
    // A local callable that releases: calling it releases, passing it on
    // hands the permit over.
    if (auto It = LocalCallables.find(VD); It != LocalCallables.end()) {
      const Stmt *P = parentSkippingCasts(Ref, true);
      const auto *OC = dyn_cast_or_null<CXXOperatorCallExpr>(P);
      bool IsCall = OC && OC->getOperator() == OO_Call &&
                    OC->getArg(0)->IgnoreParenImpCasts() == Ref;
      for (unsigned K : It->second)
        addEvent(Ref, {IsCall ? Event::LocalCall : Event::Transfer, K});
      continue;
    }
    if (Keys.empty())
      continue;
    bool IsBase = llvm::any_of(Keys, [&](const SemaphoreKey &K) {
      return K.Base == VD;
    });
    if (!IsBase)
      continue;
    const Stmt *P = parentSkippingCasts(Ref, true);
    if (const auto *ME = dyn_cast_or_null<MemberExpr>(P)) {
      if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl())) {
        if (std::optional<unsigned> Id = keyId({VD, FD}, false)) {
          const OpRecord *Op = nullptr;
          if (isTransferPosition(ME, Op)) {
            addEvent(Ref, {Event::Transfer, *Id});
            markHandedOn(*Id);
          }
        }
        continue;
      }
      if (std::optional<unsigned> Id = keyId({VD, nullptr}, false)) {
        const OpRecord *Op = nullptr;
        if (isTransferPosition(Ref, Op)) {
          addEvent(Ref, {Event::Transfer, *Id});
          markHandedOn(*Id);
        }
        continue;
      }
      // A method of the object holding semaphore fields.
      if (const auto *MD = dyn_cast<CXXMethodDecl>(ME->getMemberDecl()))
        if (MD->isConst())
          continue;
      transferAll(Ref, VD, false);
      continue;
    }
    if (std::optional<unsigned> Id = keyId({VD, nullptr}, false)) {
      const OpRecord *Op = nullptr;
      if (isTransferPosition(Ref, Op)) {
        addEvent(Ref, {Event::Transfer, *Id});
        markHandedOn(*Id);
      }
    }
    // The enclosing object is handed on as a whole.
    for (unsigned I = 0; I < Keys.size(); ++I)
      if (Keys[I].Base == VD && Keys[I].Field) {
        addEvent(Ref, {Event::Transfer, I});
        markHandedOn(I);
      }
  }
  bool HasThisKeys =
      llvm::any_of(Keys, [](const SemaphoreKey &K) { return !K.Base; });
  if (!HasThisKeys)
    return;
  for (const CXXThisExpr *T : C.Thises) {
    const Stmt *P = parentSkippingCasts(T, true);
    if (const auto *ME = dyn_cast_or_null<MemberExpr>(P)) {
      if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl())) {
        if (std::optional<unsigned> Id = keyId({nullptr, FD}, false)) {
          const OpRecord *Op = nullptr;
          if (isTransferPosition(ME, Op)) {
            addEvent(T, {Event::Transfer, *Id});
            markHandedOn(*Id);
          }
        }
        continue;
      }
      if (const auto *MD = dyn_cast<CXXMethodDecl>(ME->getMemberDecl()))
        if (MD->isConst())
          continue;
    }
    transferAll(T, nullptr, true);
  }
}

bool Analyzer::mayThrow(const Expr *E) const {
  const FunctionDecl *FD = nullptr;
  if (const auto *CE = dyn_cast<CallExpr>(E)) {
    if (OpOfCall.count(CE))
      return false;
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE))
      if (const Expr *Obj = MC->getImplicitObjectArgument())
        if (Model.isSemaphore(Obj->getType()))
          return false;
    FD = CE->getDirectCallee();
    if (!FD || FD->getBuiltinID())
      return false;
  } else if (const auto *CC = dyn_cast<CXXConstructExpr>(E)) {
    FD = CC->getConstructor();
    if (!FD || CC->getConstructor()->isTrivial() ||
        Model.isGuard(CC->getType()))
      return false;
  } else if (const auto *NE = dyn_cast<CXXNewExpr>(E)) {
    FD = NE->getOperatorNew();
    if (!FD)
      return false;
  } else {
    return false;
  }
  if (FD->hasAttr<NoThrowAttr>() || FD->isDeleted())
    return false;
  const auto *FPT = FD->getType()->getAs<FunctionProtoType>();
  if (!FPT)
    return false;
  if (isUnresolvedExceptionSpec(FPT->getExceptionSpecType()))
    return false;
  return !FPT->isNothrow(/*ResultIfDependent=*/true);
}

void Analyzer::classifyCalls(Collector &C) {
  if (!Opts.CountExceptionPaths)
    return;
  const SourceManager &SM = Ctx.getSourceManager();
  for (const Expr *E : C.Calls) {
    // Calls that a system macro expands to (test assertions, logging) are
    // not the user's calls; implicit conversions rarely throw.
    if (E->getBeginLoc().isMacroID() && SM.isInSystemMacro(E->getBeginLoc()))
      continue;
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E))
      if (isa_and_nonnull<CXXConversionDecl>(MC->getMethodDecl()))
        continue;
    if (mayThrow(E) && !insideTry(E))
      addEvent(E, {Event::MayThrow});
  }
}

//===----------------------------------------------------------------------===//
// Conditions
//===----------------------------------------------------------------------===//

bool Analyzer::pureCondition(const Expr *E,
                             llvm::SmallVectorImpl<const VarDecl *> &Vars) {
  E = E->IgnoreParens();
  if (const auto *ICE = dyn_cast<ImplicitCastExpr>(E))
    return pureCondition(ICE->getSubExpr(), Vars);
  if (isa<IntegerLiteral, CXXBoolLiteralExpr, CharacterLiteral,
          CXXNullPtrLiteralExpr, FloatingLiteral>(E))
    return true;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    if (isa<EnumConstantDecl>(DRE->getDecl()))
      return true;
    const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
    if (!VD || !VD->hasLocalStorage() || VD->getType()->isReferenceType() ||
        !VD->getType()->isScalarType())
      return false;
    Vars.push_back(VD);
    return true;
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
    if (UO->isIncrementDecrementOp() || UO->getOpcode() == UO_AddrOf ||
        UO->getOpcode() == UO_Deref)
      return false;
    return pureCondition(UO->getSubExpr(), Vars);
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    if (BO->isAssignmentOp() || BO->isCommaOp())
      return false;
    return pureCondition(BO->getLHS(), Vars) &&
           pureCondition(BO->getRHS(), Vars);
  }
  return false;
}

unsigned Analyzer::profileHash(const Expr *E) {
  llvm::FoldingSetNodeID ID;
  E->IgnoreParenImpCasts()->Profile(ID, Ctx, /*Canonical=*/true);
  return ID.ComputeHash();
}

// A condition built only from local scalars, normalised so that `a > b` and
// `b < a`, `a <= b` and `!(b < a)`, `x != y` and `!(x == y)` share an atom.
std::optional<std::pair<unsigned, bool>> Analyzer::factOf(const Expr *Cond) {
  bool Neg = false;
  const Expr *E = stripCondition(Cond, Neg);
  llvm::SmallVector<const VarDecl *, 4> Vars;
  if (!E || !pureCondition(E, Vars) || Vars.empty())
    return std::nullopt;
  unsigned Hash;
  const auto *BO = dyn_cast<BinaryOperator>(E);
  if (BO && BO->isComparisonOp() && BO->getOpcode() != BO_Cmp) {
    unsigned L = profileHash(BO->getLHS()), R = profileHash(BO->getRHS());
    BinaryOperatorKind Op = BO->getOpcode();
    switch (Op) {
    case BO_GT: // a > b  ==  b < a
      std::swap(L, R);
      Op = BO_LT;
      break;
    case BO_GE: // a >= b  ==  !(a < b)
      Op = BO_LT;
      Neg = !Neg;
      break;
    case BO_LE: // a <= b  ==  !(b < a)
      std::swap(L, R);
      Op = BO_LT;
      Neg = !Neg;
      break;
    case BO_NE:
      Op = BO_EQ;
      Neg = !Neg;
      break;
    default:
      break;
    }
    if (Op == BO_EQ && L > R)
      std::swap(L, R);
    Hash = llvm::hash_combine(static_cast<unsigned>(Op), L, R);
  } else {
    Hash = profileHash(E);
  }
  for (const VarDecl *V : Vars) {
    auto &List = FactsOfVar[V];
    if (!llvm::is_contained(List, Hash))
      List.push_back(Hash);
  }
  return std::make_pair(Hash, Neg);
}

//===----------------------------------------------------------------------===//
// The walk
//===----------------------------------------------------------------------===//

const Stmt *Analyzer::scopeOf(const CallExpr *Acq) {
  if (Acq == HandOffAcquire)
    return Body;
  auto [It, Inserted] = ScopeCache.try_emplace(Acq, Body);
  if (Inserted)
    for (const Stmt *P = PM.getParent(Acq); P; P = PM.getParent(P))
      if (isa<CompoundStmt>(P)) {
        It->second = P;
        break;
      }
  return It->second;
}

bool Analyzer::jumpLeaves(const Stmt *J, const CallExpr *Acq) {
  const Stmt *Scope = scopeOf(Acq);
  if (!isInside(J, Scope))
    return false;
  if (isa<ReturnStmt, CoreturnStmt, CXXThrowExpr, IndirectGotoStmt>(J))
    return true;
  if (isa<GotoStmt>(J))
    return true; // a goto while a permit is held is the escape to name
  if (isa<BreakStmt, ContinueStmt>(J)) {
    for (const Stmt *P = PM.getParent(J); P; P = PM.getParent(P))
      if (isLoop(P) || (isa<BreakStmt>(J) && isa<SwitchStmt>(P)))
        return !isInside(P, Scope) || P == Scope;
    return true;
  }
  return false;
}

void Analyzer::applyJump(const Stmt *J, PathState &St) {
  for (KeyState &K : St.Keys)
    for (HeldPermit &H : K.Held)
      if (!H.Jump && jumpLeaves(J, cast<CallExpr>(H.Acq)))
        H.Jump = J;
}

void Analyzer::reportLeak(LeakReport::Kind K, const CallExpr *Acq,
                          const Stmt *Escape) {
  if (Opts.HandOffFrom && Acq != HandOffAcquire)
    return;
  if (!Reported.insert(Acq).second)
    return;
  if (K == LeakReport::EarlyExit && isa_and_nonnull<ContinueStmt>(Escape))
    K = LeakReport::Loop;
  unsigned Key = 0;
  SemaphoreKey SK;
  if (Opts.HandOffFrom) {
    SK = Opts.HandOffFrom->Key;
  } else if (const OpRecord *Op = OpOfCall.lookup(Acq)) {
    Key = Op->Key;
    SK = Keys[Key];
  }
  bool Released =
      Opts.HandOffFrom ? true : (Key < KeyReleased.size() && KeyReleased[Key]);
  Result.Leaks.push_back({K, Acq, Escape, Released, SK});
}

void Analyzer::acquireHeld(PathState &St, unsigned Key, const CallExpr *Acq) {
  KeyState &KS = St.Keys[Key];
  KS.Failed = nullptr;
  KS.FailedUnchecked = false;
  for (const HeldPermit &H : KS.Held)
    if (H.Acq == Acq) {
      const Stmt *Escape = H.Jump;
      if (!Escape)
        for (const Stmt *P = PM.getParent(Acq); P; P = PM.getParent(P))
          if (isLoop(P)) {
            Escape = P;
            break;
          }
      reportLeak(LeakReport::Loop, Acq, Escape);
      return;
    }
  if (KS.Held.size() < MaxHeld)
    KS.Held.push_back({Acq, nullptr});
}

void Analyzer::killVar(PathState &St, const VarDecl *V) {
  if (auto It = FactsOfVar.find(V); It != FactsOfVar.end())
    llvm::erase_if(St.Facts, [&](const std::pair<unsigned, bool> &F) {
      return llvm::is_contained(It->second, F.first);
    });
  for (KeyState &K : St.Keys)
    if (K.PendingVar == V) {
      K.Pending = nullptr;
      K.PendingVar = nullptr;
    }
}

bool Analyzer::applyStmt(const Stmt *S, PathState &St) {
  if (const auto *DS = dyn_cast<DeclStmt>(S)) {
    for (const Decl *Dcl : DS->decls())
      if (const auto *VD = dyn_cast<VarDecl>(Dcl)) {
        killVar(St, VD);
        if (const OpRecord *Op = LinkOfVar.lookup(VD)) {
          KeyState &K = St.Keys[Op->Key];
          if (K.Pending == Op->Call)
            K.PendingVar = VD;
        }
      }
  }
  if (isa<ReturnStmt, CXXThrowExpr>(S))
    applyJump(S, St);
  if (isa<CoreturnStmt>(S)) {
    applyJump(S, St);
    exitCheck(St);
    return false;
  }
  auto It = Events.find(S);
  if (It == Events.end())
    return true;
  for (const Event &E : It->second) {
    switch (E.K) {
    case Event::SemOp: {
      const OpRecord *Op = E.Op;
      KeyState &K = St.Keys[Op->Key];
      switch (Op->K) {
      case OpKind::Acquire:
        K.Pending = nullptr;
        K.PendingVar = nullptr;
        acquireHeld(St, Op->Key, Op->Call);
        break;
      case OpKind::CondAcquire:
        K.Pending = nullptr;
        K.PendingVar = nullptr;
        if (Op->Use == UseKind::Branch || Op->Use == UseKind::Var) {
          K.Pending = Op->Call;
        } else if (Op->Use == UseKind::Unchecked) {
          K.Failed = Op->Call;
          K.FailedUnchecked = true;
        }
        break;
      case OpKind::Release:
        if (!K.Held.empty()) {
          K.Held.pop_back();
        } else if (K.Failed && !Opts.HandOffFrom) {
          if (ReportedReleases.insert(Op->Call).second)
            Result.Unmatched.push_back({Op->Call, K.Failed, K.FailedUnchecked});
        } else if (K.Pending && K.PendingVar && !Opts.HandOffFrom) {
          // `bool ok = sem.try_acquire(); ... sem.release();` without a test
          if (ReportedReleases.insert(Op->Call).second)
            Result.Unmatched.push_back({Op->Call, K.Pending, true});
        }
        break;
      }
      break;
    }
    case Event::HandOff: {
      KeyState &K = St.Keys[E.Key];
      if (!K.Held.empty() && !Opts.HandOffFrom &&
          HandOffSeen.insert({E.Lambda, K.Held.back().Acq}).second)
        Result.HandOffs.push_back({E.Lambda, K.Held.back().Acq, Keys[E.Key]});
      [[fallthrough]];
    }
    case Event::Transfer: {
      KeyState &K = St.Keys[E.Key];
      K.Held.clear();
      K.Pending = nullptr;
      K.PendingVar = nullptr;
      K.Failed = nullptr;
      K.FailedUnchecked = false;
      break;
    }
    case Event::LocalCall: {
      KeyState &K = St.Keys[E.Key];
      if (!K.Held.empty())
        K.Held.pop_back();
      break;
    }
    case Event::WriteVar:
      killVar(St, E.Var);
      if (E.Op) { // `ok = sem.try_acquire()`
        KeyState &K = St.Keys[E.Op->Key];
        if (K.Pending == E.Op->Call)
          K.PendingVar = E.Var;
      }
      break;
    case Event::MayThrow:
      for (const KeyState &K : St.Keys)
        for (const HeldPermit &H : K.Held)
          reportLeak(LeakReport::Exception, H.Acq, S);
      break;
    case Event::Jump:
      applyJump(S, St);
      break;
    }
  }
  return true;
}

void Analyzer::refine(PathState &St, const Expr *Core, bool Value) {
  const CallExpr *Call = nullptr;
  const VarDecl *Var = nullptr;
  if (const auto *CE = dyn_cast<CallExpr>(Core))
    Call = CE;
  else if (const auto *DRE = dyn_cast<DeclRefExpr>(Core))
    Var = dyn_cast<VarDecl>(DRE->getDecl());
  if (!Call && !Var)
    return;
  for (unsigned I = 0; I < St.Keys.size(); ++I) {
    KeyState &K = St.Keys[I];
    if (!K.Pending)
      continue;
    if (Call ? K.Pending != Call : K.PendingVar != Var)
      continue;
    const CallExpr *Acq = K.Pending;
    K.Pending = nullptr;
    K.PendingVar = nullptr;
    if (Value) {
      acquireHeld(St, I, Acq);
    } else {
      K.Failed = Acq;
      K.FailedUnchecked = false;
    }
  }
}

void Analyzer::exitCheck(const PathState &St) {
  for (const KeyState &K : St.Keys)
    for (const HeldPermit &H : K.Held)
      reportLeak(H.Jump ? LeakReport::EarlyExit : LeakReport::EndOfBody, H.Acq,
                 H.Jump);
}

void Analyzer::walk(const CFG &Cfg, PathState Init) {
  std::vector<std::pair<const CFGBlock *, PathState>> Stack;
  llvm::DenseSet<std::pair<unsigned, size_t>> Seen;
  Stack.push_back({&Cfg.getEntry(), std::move(Init)});
  unsigned Steps = 0;
  while (!Stack.empty()) {
    if (++Steps > MaxSteps) {
      Result.Complete = false;
      return;
    }
    auto [B, St] = std::move(Stack.back());
    Stack.pop_back();
    if (!Seen.insert({B->getBlockID(), St.hash()}).second)
      continue;
    if (B == &Cfg.getExit()) {
      exitCheck(St);
      continue;
    }
    bool Ended = false;
    for (const CFGElement &E : *B)
      if (std::optional<CFGStmt> CS = E.getAs<CFGStmt>())
        if (!applyStmt(CS->getStmt(), St)) {
          Ended = true;
          break;
        }
    if (Ended || B->hasNoReturnElement())
      continue;
    if (const Stmt *T = B->getTerminatorStmt())
      if (isa<BreakStmt, ContinueStmt, GotoStmt, IndirectGotoStmt,
              CXXThrowExpr>(T))
        applyJump(T, St);

    const Expr *Cond = B->succ_size() == 2 ? B->getLastCondition() : nullptr;
    if (!Cond) {
      for (const CFGBlock::AdjacentBlock &Succ : B->succs())
        if (const CFGBlock *SB = Succ.getReachableBlock())
          Stack.push_back({SB, St});
      continue;
    }
    bool Neg = false;
    const Expr *Core = stripCondition(Cond, Neg);
    std::optional<std::pair<unsigned, bool>> Fact = factOf(Cond);
    std::optional<bool> Known;
    if (Fact)
      for (const auto &F : St.Facts)
        if (F.first == Fact->first)
          Known = F.second != Fact->second;
    unsigned I = 0;
    for (const CFGBlock::AdjacentBlock &Succ : B->succs()) {
      bool CondValue = I++ == 0;
      const CFGBlock *SB = Succ.getReachableBlock();
      if (!SB || (Known && *Known != CondValue))
        continue;
      PathState NS = St;
      if (Fact && !Known) {
        NS.Facts.push_back({Fact->first, CondValue != Fact->second});
        llvm::sort(NS.Facts);
      }
      refine(NS, Core, CondValue != Neg);
      Stack.push_back({SB, std::move(NS)});
    }
  }
}

FlowResult Analyzer::run() {
  Collector C(Model, Body);
  C.TraverseStmt(Body);

  if (Opts.HandOffFrom) {
    HandOffAcquire = Opts.HandOffFrom->Acquire;
    keyId(Opts.HandOffFrom->Key, true);
  }
  classifyOps(C);
  bool AnyAcquire = llvm::any_of(Ops, [](const auto &Op) {
    return Op->K != OpKind::Release;
  });
  if (Opts.HandOffFrom) {
    if (AnyAcquire &&
        llvm::any_of(Ops, [](const auto &Op) {
          return Op->K != OpKind::Release && Op->Key == 0;
        }))
      return std::move(Result); // the callable manages its own permits
  } else if (!AnyAcquire) {
    return std::move(Result);
  }
  classifyLambdas(C);
  classifyMentions(C);
  classifyCalls(C);

  CFG::BuildOptions BO;
  BO.setAllAlwaysAdd();
  BO.PruneTriviallyFalseEdges = true;
  std::unique_ptr<CFG> Cfg = CFG::buildCFG(D, Body, &Ctx, BO);
  if (!Cfg)
    return std::move(Result);

  PathState Init;
  Init.Keys.resize(Keys.size());
  if (Opts.HandOffFrom)
    Init.Keys[0].Held.push_back({HandOffAcquire, nullptr});
  walk(*Cfg, std::move(Init));
  return std::move(Result);
}

} // namespace

FlowResult analyzeSemaphoreFlow(const Decl *D, Stmt *Body, ASTContext &Ctx,
                                const SemaphoreModel &Model,
                                const FlowOptions &Opts) {
  if (!Body)
    return {};
  Analyzer A(D, Body, Ctx, Model, Opts);
  return A.run();
}

} // namespace clang::tidy::leakguard::utils
