//===--- SingleCloserCheck.cpp - leakguard-single-closer ---===//
//
// The analysis works per top-level function body (lambdas inside it are
// analysed with it, because their captures refer to its variables):
//
//  1. a Collector walks the body once and records, per callable (the
//     function and each lambda), the channel operations (close, send,
//     receive, query, other uses and escapes) with the object they act on,
//     and the spawn sites (std::thread, std::jthread, leakguard::go,
//     task_group::go/try_go, worker_pool::submit, ...);
//  2. rule 1 (a callable started more than once closes a shared channel) and
//     rule 2 (a receiver closes what it reads) are decided from that model;
//  3. rules 3 (a second close on one path) and 4 (close while producers
//     this function started may still send) walk the callable's CFG, which
//     is built only for callables that close a channel.
//
//===----------------------------------------------------------------------===//

#include "SingleCloserCheck.h"
#include "utils/TypeNames.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Analysis/CFG.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang::ast_matchers;

namespace clang::tidy::leakguard {
namespace single_closer {

using utils::ObjectRef;
using utils::QualifiedNameSet;

static constexpr llvm::StringLiteral DefaultChannelTypes =
    "boost::fibers::buffered_channel;boost::fibers::unbuffered_channel";

struct Config {
  QualifiedNameSet ChannelTypes;   // objects whose close() is checked
  QualifiedNameSet ThreadTypes;    // constructing one starts a callable
  QualifiedNameSet SpawnFunctions; // calling one starts its callable argument
  QualifiedNameSet RepeatSpawners; // ... and runs it per item / per worker
  QualifiedNameSet JoiningTypes;   // destroying one waits for its callable
  QualifiedNameSet SyncTypes;      // passing one to a call may wait
  QualifiedNameSet FutureTypes;    // get() waits

  bool isChannelish(QualType T) const {
    return ChannelTypes.containsTypeOrElement(T);
  }
};

enum class OpKind { Close, Send, Recv, Query, Other, Escape };

struct Callable;

struct Op {
  OpKind Kind;
  ObjectRef Ref;
  const Expr *E;
  Callable *Owner;
  bool Blocking = false; // a receive that waits (not try_*)
};

struct Spawn : utils::SpawnSite {
  Callable *Owner;
};

struct Callable {
  const FunctionDecl *FD = nullptr; // the function, or the lambda's operator()
  const LambdaExpr *Lambda = nullptr;
  const Stmt *Body = nullptr;
  Callable *Parent = nullptr;
  bool InOnce = false; // runs under std::call_once
  llvm::SmallVector<unsigned, 4> Ops;
  llvm::SmallVector<unsigned, 2> Spawns;
  llvm::SmallVector<Callable *, 2> Children;
};

struct Model {
  std::vector<std::unique_ptr<Callable>> Callables;
  std::vector<Op> Ops;
  std::vector<Spawn> Spawns;
  llvm::DenseMap<const LambdaExpr *, Callable *> ByLambda;
  mutable std::unique_ptr<ParentMap> PM;
  Callable *Root = nullptr;
  bool HasClose = false;

  const ParentMap &parents() const {
    if (!PM)
      PM = std::make_unique<ParentMap>(const_cast<Stmt *>(Root->Body));
    return *PM;
  }

  /// Ops of \p C and of the lambdas nested in it.
  void subtreeOps(const Callable *C, bool SkipOnce,
                  llvm::SmallVectorImpl<const Op *> &Out) const {
    if (SkipOnce && C->InOnce)
      return;
    for (unsigned I : C->Ops)
      Out.push_back(&Ops[I]);
    for (const Callable *Child : C->Children)
      subtreeOps(Child, SkipOnce, Out);
  }
};

static OpKind classifyMethod(llvm::StringRef M) {
  if (M == "close")
    return OpKind::Close;
  if (M.starts_with("push") || M.starts_with("try_push") ||
      M == "value_push" || M == "send" || M == "try_send" || M == "sender" ||
      M == "emplace")
    return OpKind::Send;
  if (M.starts_with("pop") || M.starts_with("try_pop") ||
      M.starts_with("value_pop") || M.starts_with("try_value_pop") ||
      M == "recv" || M == "try_recv" || M == "receive" || M == "begin")
    return OpKind::Recv;
  if (M == "is_closed" || M == "size" || M == "capacity" || M == "empty" ||
      M == "end" || M == "name" || M == "set_name" || M == "receiver" ||
      M == "underlying")
    return OpKind::Query;
  return OpKind::Other;
}

static bool isLoop(const Stmt *S) {
  return isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt>(S);
}

static const Stmt *loopBody(const Stmt *S) {
  if (const auto *F = dyn_cast<ForStmt>(S))
    return F->getBody();
  if (const auto *W = dyn_cast<WhileStmt>(S))
    return W->getBody();
  if (const auto *D = dyn_cast<DoStmt>(S))
    return D->getBody();
  if (const auto *R = dyn_cast<CXXForRangeStmt>(S))
    return R->getBody();
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Collecting the model
//===----------------------------------------------------------------------===//

class Collector : public RecursiveASTVisitor<Collector> {
public:
  Collector(const Config &Cfg, Model &M)
      : Cfg(Cfg), Spawners{Cfg.ThreadTypes, Cfg.SpawnFunctions,
                           &Cfg.RepeatSpawners},
        M(M) {}

  void run(const FunctionDecl *FD, const Stmt *Body) {
    M.Root = newCallable(FD, nullptr, Body, nullptr);
    Stack.push_back(M.Root);
    TraverseStmt(const_cast<Stmt *>(Body));
    Stack.pop_back();
    for (const auto &[Leaf, Owner] : Uses) {
      if (Accounted.contains(Leaf))
        continue;
      if (ObjectRef R = utils::resolveObject(Leaf))
        addOp(OpKind::Escape, R, Leaf, Owner);
    }
  }

  bool TraverseLambdaExpr(LambdaExpr *LE) {
    // Init-captures are evaluated where the lambda is written.
    for (const LambdaCapture &C : LE->captures())
      if (LE->isInitCapture(&C))
        TraverseDecl(C.getCapturedVar());
    Callable *Parent = Stack.back();
    Callable *CB =
        newCallable(LE->getCallOperator(), LE, LE->getBody(), Parent);
    CB->InOnce = Parent->InOnce || OnceLambdas.contains(LE);
    M.ByLambda[LE] = CB;
    Stack.push_back(CB);
    TraverseStmt(LE->getBody());
    Stack.pop_back();
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    std::optional<utils::MemberCallView> MV = utils::viewMemberCall(CE);
    if (MV && MV->Object && Cfg.ChannelTypes.contains(MV->Class)) {
      if (ObjectRef R = utils::resolveObject(MV->Object)) {
        Accounted.insert(R.Leaf);
        OpKind K = classifyMethod(MV->Method);
        addOp(K, R, CE, Stack.back(), !MV->Method.starts_with("try_"));
        if (K == OpKind::Close)
          M.HasClose = true;
      }
      return true;
    }
    std::string Name = utils::spawnCallName(CE, MV);
    if (Name.empty())
      return true;
    if (llvm::StringRef(Name).ends_with("call_once")) {
      for (const Expr *A : CE->arguments())
        if (const LambdaExpr *LE = utils::resolveCallable(A).Lambda)
          OnceLambdas.insert(LE);
      return true;
    }
    addSpawn(utils::findSpawn(CE, MV, Name, Spawners));
    return true;
  }

  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    addSpawn(utils::findSpawn(CE, Spawners));
    return true;
  }

  bool VisitCXXUnresolvedConstructExpr(CXXUnresolvedConstructExpr *CE) {
    addSpawn(utils::findSpawn(CE, Spawners));
    return true;
  }

  bool VisitVarDecl(VarDecl *VD) {
    const Expr *Init = VD->getInit();
    if (!Init || isa<ParmVarDecl>(VD))
      return true;
    if (isa<ParenListExpr>(Init->IgnoreImplicit())) {
      addSpawn(utils::findSpawn(VD, Spawners));
      return true;
    }
    // A local alias of a channel is not an escape: its uses are resolved to
    // the channel itself.
    if (Cfg.isChannelish(VD->getType()))
      if (ObjectRef R = utils::resolveObject(Init))
        Accounted.insert(R.Leaf);
    return true;
  }

  bool VisitCXXForRangeStmt(CXXForRangeStmt *S) {
    const Expr *Range = S->getRangeInit();
    if (Range && Cfg.ChannelTypes.containsType(Range->getType()))
      if (ObjectRef R = utils::resolveObject(Range)) {
        Accounted.insert(R.Leaf);
        addOp(OpKind::Recv, R, Range, Stack.back(), /*Blocking=*/true);
      }
    return true;
  }

  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (isa<VarDecl>(DRE->getDecl()) &&
        Cfg.isChannelish(DRE->getDecl()->getType()))
      Uses.emplace_back(DRE, Stack.back());
    return true;
  }

  bool VisitMemberExpr(MemberExpr *ME) {
    if (isa<FieldDecl>(ME->getMemberDecl()) &&
        Cfg.isChannelish(ME->getMemberDecl()->getType()))
      Uses.emplace_back(ME, Stack.back());
    return true;
  }

private:
  Callable *newCallable(const FunctionDecl *FD, const LambdaExpr *LE,
                        const Stmt *Body, Callable *Parent) {
    M.Callables.push_back(std::make_unique<Callable>());
    Callable *C = M.Callables.back().get();
    C->FD = FD;
    C->Lambda = LE;
    C->Body = Body;
    C->Parent = Parent;
    if (Parent)
      Parent->Children.push_back(C);
    return C;
  }

  void addOp(OpKind K, ObjectRef R, const Expr *E, Callable *Owner,
             bool Blocking = false) {
    Owner->Ops.push_back(M.Ops.size());
    M.Ops.push_back(Op{K, R, E, Owner, Blocking});
  }

  void addSpawn(std::optional<utils::SpawnSite> Site) {
    if (!Site)
      return;
    Stack.back()->Spawns.push_back(M.Spawns.size());
    M.Spawns.push_back({std::move(*Site), Stack.back()});
  }

  const Config &Cfg;
  const utils::SpawnVocabulary Spawners;
  Model &M;
  llvm::SmallVector<Callable *, 4> Stack;
  llvm::SmallPtrSet<const LambdaExpr *, 4> OnceLambdas;
  llvm::SmallPtrSet<const Expr *, 16> Accounted;
  llvm::SmallVector<std::pair<const Expr *, Callable *>, 16> Uses;
};

//===----------------------------------------------------------------------===//
// Helpers for the rules
//===----------------------------------------------------------------------===//

static bool declaredWithin(const Decl *D, const Stmt *S,
                           const SourceManager &SM) {
  if (!D || !S)
    return false;
  SourceLocation L = SM.getExpansionLoc(D->getLocation());
  SourceLocation B = SM.getExpansionLoc(S->getBeginLoc());
  SourceLocation E = SM.getExpansionLoc(S->getEndLoc());
  return L.isValid() && B.isValid() && E.isValid() &&
         SM.isPointWithin(L, B, E);
}

/// The innermost loop of \p Owner whose body contains \p S (not crossing
/// into an enclosing lambda).
static const Stmt *enclosingLoop(const Stmt *S, const Callable &Owner,
                                 const ParentMap &PM) {
  const Stmt *Child = S;
  for (const Stmt *P = PM.getParent(S); P; Child = P, P = PM.getParent(P)) {
    if (Child == Owner.Body || isa<LambdaExpr>(P))
      return nullptr;
    if (isLoop(P) && loopBody(P) == Child)
      return P;
  }
  return nullptr;
}

/// The body and the operator()/function of a spawn's target, and the model
/// holding the target's operations.
struct TargetView {
  const Model *M = nullptr;
  const Callable *C = nullptr;
  const FunctionDecl *Fn = nullptr;
  const Stmt *Body = nullptr;
};

/// The object at the spawn site that operation object \p R inside the
/// target denotes: a captured or global object as it is, a parameter through
/// the spawn's argument, a field of a started member function through the
/// object argument. std::nullopt when it is the target's own object or
/// unknown.
static std::optional<ObjectRef> objectAtSpawn(const Spawn &S,
                                              const TargetView &T,
                                              const ObjectRef &R,
                                              const SourceManager &SM) {
  const ValueDecl *Own = R.owner();
  if (const auto *P = dyn_cast<ParmVarDecl>(Own);
      P && P->getDeclContext() == T.Fn) {
    unsigned NParams = T.Fn->getNumParams(), NArgs = S.Args.size();
    if (NArgs > NParams)
      return std::nullopt;
    unsigned Shift = NParams - NArgs, Idx = P->getFunctionScopeIndex();
    if (Idx < Shift)
      return std::nullopt;
    ObjectRef A = utils::resolveObject(S.Args[Idx - Shift]);
    if (!A)
      return std::nullopt;
    if (R.Base) {
      if (A.Base)
        return std::nullopt;
      return ObjectRef{R.Decl, A.Decl, A.Leaf};
    }
    return A;
  }
  if (isa<FieldDecl>(R.Decl) && !R.Base && !S.Target.Lambda) {
    if (!S.ObjectArg)
      return std::nullopt;
    if (isa<CXXThisExpr>(S.ObjectArg->IgnoreParenImpCasts()))
      return R;
    ObjectRef B = utils::resolveObject(S.ObjectArg);
    if (!B || B.Base || isa<FieldDecl>(B.Decl))
      return std::nullopt;
    return ObjectRef{R.Decl, B.Decl, B.Leaf};
  }
  // A field of `this` stays the spawner's object; a parameter of a lambda
  // nested in the target, or the target's own local, is not.
  if (isa<FieldDecl>(R.Decl) && !R.Base)
    return R;
  if (declaredWithin(Own, T.Body, SM))
    return std::nullopt;
  return R;
}

class FlowRules;

} // namespace single_closer

using namespace single_closer;

//===----------------------------------------------------------------------===//
// The check
//===----------------------------------------------------------------------===//

SingleCloserCheck::SingleCloserCheck(StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      RawChannelTypes(Options.get("ChannelTypes", DefaultChannelTypes)),
      RawSpawners(Options.get("Spawners", "")),
      Cfg(std::make_unique<Config>()), Scope(Context) {
  Config &C = *Cfg;
  for (llvm::StringRef N : {"leakguard::channel", "leakguard::send_end"})
    C.ChannelTypes.add(N);
  for (const std::string &N :
       utils::parseQualifiedNameList(*this, "ChannelTypes", RawChannelTypes))
    C.ChannelTypes.add(N);
  for (llvm::StringRef N : {"std::thread", "std::jthread"})
    C.ThreadTypes.add(N);
  for (llvm::StringRef N :
       {"leakguard::start_workers", "leakguard::transform",
        "leakguard::fan_out", "leakguard::bounded_map", "leakguard::sink"})
    C.RepeatSpawners.add(N);
  for (llvm::StringRef N :
       {"leakguard::go", "leakguard::task_group::go",
        "leakguard::task_group::try_go", "leakguard::worker_pool::submit",
        "leakguard::worker_pool::try_submit",
        "std::async"})
    C.SpawnFunctions.add(N);
  for (const std::string &N :
       utils::parseQualifiedNameList(*this, "Spawners", RawSpawners)) {
    C.ThreadTypes.add(N);
    C.SpawnFunctions.add(N);
  }
  for (llvm::StringRef N :
       {"std::jthread", "leakguard::go_handle",
        "leakguard::task_group", "leakguard::worker_pool", "std::future"}) {
    C.JoiningTypes.add(N);
    C.SyncTypes.add(N);
  }
  for (llvm::StringRef N :
       {"std::thread", "leakguard::wait_group", "std::latch", "std::barrier",
        "boost::fibers::fiber", "boost::fibers::barrier", "boost::thread",
        "boost::thread_group", "std::shared_future"})
    C.SyncTypes.add(N);
  for (llvm::StringRef N :
       {"std::future", "std::shared_future", "boost::fibers::future",
        "boost::fibers::shared_future", "boost::future",
        "boost::shared_future"})
    C.FutureTypes.add(N);
}

SingleCloserCheck::~SingleCloserCheck() = default;

void SingleCloserCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "ChannelTypes", RawChannelTypes);
  Options.store(Opts, "Spawners", RawSpawners);
}

void SingleCloserCheck::registerMatchers(MatchFinder *Finder) {
  // Deliberately a bare matcher: `isInstantiated()` would build the parent
  // map of the whole translation unit. check() filters cheaply instead,
  // location first.
  Finder->addMatcher(functionDecl(isDefinition()).bind("fn"), this);
}

const Model &SingleCloserCheck::functionModel(const FunctionDecl *FD,
                                              ASTContext &Ctx) {
  std::unique_ptr<Model> &Slot = FunctionModels[FD];
  if (!Slot) {
    Slot = std::make_unique<Model>();
    Collector(*Cfg, *Slot).run(FD, FD->getBody());
  }
  return *Slot;
}

namespace single_closer {

enum Priority : unsigned {
  WorkerCloses = 0,
  CloseBeforeWait = 1,
  ReceiverCloses = 2,
  DoubleClose = 3
};

/// Rules over one top-level function's model.
class FlowRules {
public:
  using Finding = SingleCloserCheck::Finding;

  FlowRules(const Config &Cfg, const Model &M, ASTContext &Ctx,
            const ParentMap &PM,
            llvm::function_ref<const TargetView(const Spawn &)> Target,
            llvm::function_ref<void(Finding)> Report)
      : Cfg(Cfg), M(M), Ctx(Ctx), SM(Ctx.getSourceManager()), PM(PM),
        Target(Target), Report(Report) {}

  void run() {
    workerCloses();
    if (!M.HasClose)
      return;
    for (const auto &C : M.Callables) {
      bool Closes = llvm::any_of(C->Ops, [&](unsigned I) {
        return M.Ops[I].Kind == OpKind::Close;
      });
      if (!Closes)
        continue;
      receiverCloses(*C);
      flowRules(*C);
    }
  }

private:
  static std::string nameOf(const ObjectRef &R) {
    return R.Decl->getName().str();
  }

  /// A close inside what a spawn starts, and the channel it closes as the
  /// spawning callable sees it.
  struct StartedClose {
    const Op *X;
    ObjectRef A;
  };
  /// The closes in \p T, the callable \p S starts (std::call_once bodies
  /// skipped), of channels the spawner can name.
  llvm::SmallVector<StartedClose, 4> startedCloses(const Spawn &S,
                                                   const TargetView &T) const {
    llvm::SmallVector<StartedClose, 4> Closes;
    if (!T.M || !T.M->HasClose)
      return Closes;
    llvm::SmallVector<const Op *, 8> Ops;
    T.M->subtreeOps(T.C, /*SkipOnce=*/true, Ops);
    for (const Op *X : Ops)
      if (X->Kind == OpKind::Close)
        if (std::optional<ObjectRef> A = objectAtSpawn(S, T, X->Ref, SM))
          Closes.push_back({X, *A});
    return Closes;
  }

  //--- rule 1 -------------------------------------------------------------
  /// Two callables started side by side (or a started callable and its
  /// starter) that both close the same channel: one of them is not the
  /// single owner.
  void severalClosers() {
    struct Closer {
      const Callable *Starter;
      const void *Identity; // the callable that closes
      const Op *X;
      ObjectRef A; // the channel, as the starter sees it
      const Expr *Site;
    };
    llvm::SmallVector<Closer, 4> Closers;
    llvm::SmallPtrSet<const Callable *, 4> Starters;
    for (const Spawn &S : M.Spawns) {
      TargetView T = Target(S);
      for (const auto &[X, A] : startedCloses(S, T)) {
        if (guarded(X->E, *X->Owner, T.M->parents(), /*TrustIsClosed=*/false))
          continue;
        Closers.push_back({S.Owner, S.Target.identity(), X, A, S.Site});
        Starters.insert(S.Owner);
      }
    }
    if (Closers.empty())
      return;
    for (const Callable *O : Starters)
      for (unsigned I : O->Ops)
        if (M.Ops[I].Kind == OpKind::Close)
          Closers.push_back({O, O, &M.Ops[I], M.Ops[I].Ref, nullptr});
    for (unsigned I = 0; I < Closers.size(); ++I)
      for (unsigned J = 0; J < Closers.size(); ++J) {
        const Closer &First = Closers[I], &Second = Closers[J];
        if (I == J || First.Starter != Second.Starter ||
            First.Identity == Second.Identity || First.X == Second.X ||
            !First.A.sameObject(Second.A) ||
            !SM.isBeforeInTranslationUnit(First.X->E->getBeginLoc(),
                                          Second.X->E->getBeginLoc()))
          continue;
        Finding F;
        F.Rule = WorkerCloses;
        F.Loc = Second.X->E->getBeginLoc();
        F.Name = nameOf(Second.X->Ref);
        F.Message = "'%0' is closed by more than one concurrently running "
                    "callable; only the single owner of a shared channel may "
                    "close it";
        F.Notes.emplace_back(First.X->E->getBeginLoc(),
                             "'%0' is also closed here");
        Report(std::move(F));
      }
  }

  void workerCloses() {
    severalClosers();
    for (unsigned SI = 0; SI < M.Spawns.size(); ++SI) {
      const Spawn &S = M.Spawns[SI];
      const Stmt *Loop = enclosingLoop(S.Site, *S.Owner, PM);
      const Spawn *Again = nullptr;
      if (!Loop && !S.Repeats) {
        for (unsigned SJ = SI + 1; SJ < M.Spawns.size() && !Again; ++SJ)
          if (M.Spawns[SJ].Owner == S.Owner &&
              M.Spawns[SJ].Target.identity() == S.Target.identity())
            Again = &M.Spawns[SJ];
        if (!Again)
          continue;
      }
      TargetView T = Target(S);
      for (const auto &[X, A] : startedCloses(S, T)) {
        if (Loop && declaredWithin(A.owner(), Loop, SM))
          continue;
        if (Again) {
          std::optional<ObjectRef> A2 = objectAtSpawn(*Again, T, X->Ref, SM);
          if (!A2 || !A2->sameObject(A))
            continue;
        }
        // "The last one closes": a close under an atomic countdown or
        // exchange, or a flag, runs once.
        if (guarded(X->E, *X->Owner, T.M->parents(), /*TrustIsClosed=*/false))
          continue;
        Finding F;
        F.Rule = WorkerCloses;
        F.Loc = X->E->getBeginLoc();
        F.Name = nameOf(X->Ref);
        F.Message = "'%0' is closed by a callable that is started more than "
                    "once; only the single owner of a shared channel may "
                    "close it";
        if (S.Repeats) {
          F.Notes.emplace_back(S.Site->getBeginLoc(),
                               "the callable is run for each item here");
        } else if (Loop) {
          F.Notes.emplace_back(S.Site->getBeginLoc(),
                               "the callable is started here, in a loop");
        } else {
          F.Notes.emplace_back(S.Site->getBeginLoc(),
                               "the callable is started here");
          F.Notes.emplace_back(Again->Site->getBeginLoc(),
                               "and started again here");
        }
        Report(std::move(F));
      }
    }
  }

  //--- rule 2 -------------------------------------------------------------
  void receiverCloses(const Callable &C) {
    for (unsigned I : C.Ops) {
      const Op &X = M.Ops[I];
      if (X.Kind != OpKind::Close)
        continue;
      // A member channel belongs to its class, which may send on it in
      // another member function.
      if (isa<FieldDecl>(X.Ref.Decl))
        continue;
      const Op *Recv = nullptr;
      for (unsigned J : C.Ops)
        if (M.Ops[J].Kind == OpKind::Recv && M.Ops[J].Ref.sameObject(X.Ref)) {
          Recv = &M.Ops[J];
          break;
        }
      if (!Recv)
        continue;
      llvm::SmallVector<const Op *, 8> All;
      M.subtreeOps(&C, /*SkipOnce=*/false, All);
      bool MaySend = llvm::any_of(All, [&](const Op *O) {
        return (O->Kind == OpKind::Send || O->Kind == OpKind::Other ||
                O->Kind == OpKind::Escape) &&
               O->Ref.sameObject(X.Ref);
      });
      if (MaySend)
        continue;
      Finding F;
      F.Rule = ReceiverCloses;
      F.Loc = X.E->getBeginLoc();
      F.Name = nameOf(X.Ref);
      F.Message = "'%0' is closed by a function that only receives from it; "
                  "the sending side must close the channel";
      F.Notes.emplace_back(Recv->E->getBeginLoc(), "'%0' is received here");
      Report(std::move(F));
    }
  }

  //--- CFG ----------------------------------------------------------------
  enum class Step { Continue, Stop, Found };

  struct Flow {
    std::unique_ptr<CFG> G;
    llvm::DenseMap<const Stmt *, std::pair<const CFGBlock *, unsigned>> Index;
  };

  bool locate(const Flow &FL, const Callable &C, const Stmt *S,
              const CFGBlock *&B, unsigned &I) const {
    for (unsigned Depth = 0; S && Depth < 32; ++Depth) {
      auto It = FL.Index.find(S);
      if (It != FL.Index.end()) {
        B = It->second.first;
        I = It->second.second;
        return true;
      }
      if (S == C.Body)
        return false;
      S = PM.getParent(S);
    }
    return false;
  }

  /// Some path from just after element \p I of \p B reaches an element for
  /// which \p OnElem says Found before one for which it says Stop; returns
  /// that element's statement.
  const Stmt *
  search(const CFGBlock *B, unsigned I,
         llvm::function_ref<Step(const CFGElement &, const Stmt *&)> OnElem,
         llvm::function_ref<bool(const Stmt *)> StopAtTerminator) const {
    llvm::SmallVector<std::pair<const CFGBlock *, unsigned>, 16> Work;
    llvm::SmallPtrSet<const CFGBlock *, 32> Seen;
    Work.emplace_back(B, I + 1);
    while (!Work.empty()) {
      auto [Blk, Idx] = Work.pop_back_val();
      bool Stopped = false;
      for (unsigned K = Idx; K < Blk->size() && !Stopped; ++K) {
        const Stmt *Hit = nullptr;
        switch (OnElem((*Blk)[K], Hit)) {
        case Step::Found:
          return Hit;
        case Step::Stop:
          Stopped = true;
          break;
        case Step::Continue:
          break;
        }
      }
      if (Stopped)
        continue;
      if (const Stmt *T = Blk->getTerminatorStmt())
        if (StopAtTerminator(T))
          continue;
      for (const CFGBlock::AdjacentBlock &Succ : Blk->succs())
        if (const CFGBlock *SB = Succ.getReachableBlock())
          if (Seen.insert(SB).second)
            Work.emplace_back(SB, 0);
    }
    return nullptr;
  }

  bool isWaitCall(const CallExpr *CE) const {
    if (std::optional<utils::MemberCallView> MV = utils::viewMemberCall(CE)) {
      llvm::StringRef N = MV->Method;
      if (N == "wait" || N == "wait_for" || N == "wait_until" ||
          N == "join" || N == "arrive_and_wait" || N == "shutdown" ||
          N == "join_all")
        return true;
      if (N == "get" && Cfg.FutureTypes.contains(MV->Class))
        return true;
    }
    for (const Expr *A : CE->arguments()) {
      A = A->IgnoreParenImpCasts();
      if ((isa<DeclRefExpr>(A) || isa<MemberExpr>(A)) &&
          Cfg.SyncTypes.containsTypeOrElement(A->getType()))
        return true;
    }
    return false;
  }

  bool containsWait(const Stmt *S) {
    if (!S)
      return false;
    auto It = WaitMemo.find(S);
    if (It != WaitMemo.end())
      return It->second;
    bool Result = false;
    if (const auto *CE = dyn_cast<CallExpr>(S))
      Result = isWaitCall(CE) || isBlockingReceive(CE);
    else if (const auto *FR = dyn_cast<CXXForRangeStmt>(S))
      Result = FR->getRangeInit() &&
               Cfg.ChannelTypes.containsType(FR->getRangeInit()->getType());
    if (!Result && !isa<LambdaExpr>(S))
      for (const Stmt *Child : S->children())
        if (containsWait(Child)) {
          Result = true;
          break;
        }
    WaitMemo[S] = Result;
    return Result;
  }

  /// A receive that blocks: the closer learns from its producers (a result,
  /// a "done" message), as a coordinator that counts pending work does.
  bool isBlockingReceive(const CallExpr *CE) const {
    std::optional<utils::MemberCallView> MV = utils::viewMemberCall(CE);
    return MV && Cfg.ChannelTypes.contains(MV->Class) &&
           classifyMethod(MV->Method) == OpKind::Recv &&
           !MV->Method.starts_with("try_");
  }

  bool isJoining(QualType T) const {
    return Cfg.JoiningTypes.containsTypeOrElement(T);
  }

  /// The close is under a condition that keeps it from running twice: a
  /// test of is_closed(), an atomic exchange / test_and_set, or a flag that
  /// the guarded branch sets.
  static bool guarded(const Stmt *Close, const Callable &C, const ParentMap &PM,
                      bool TrustIsClosed) {
    const Stmt *Child = Close;
    for (const Stmt *P = PM.getParent(Close); P && Child != C.Body;
         Child = P, P = PM.getParent(P)) {
      if (isa<LambdaExpr>(P))
        break;
      const Expr *Cond = nullptr;
      if (const auto *If = dyn_cast<IfStmt>(P)) {
        if (Child != If->getThen() && Child != If->getElse())
          continue;
        Cond = If->getCond();
      } else if (const auto *CO = dyn_cast<ConditionalOperator>(P)) {
        if (Child == CO->getCond())
          continue;
        Cond = CO->getCond();
      } else if (const auto *BO = dyn_cast<BinaryOperator>(P)) {
        if (!BO->isLogicalOp() || Child != BO->getRHS())
          continue;
        Cond = BO->getLHS();
      } else if (const auto *W = dyn_cast<WhileStmt>(P)) {
        Cond = W->getCond();
      } else if (const auto *F = dyn_cast<ForStmt>(P)) {
        Cond = F->getCond();
      }
      if (Cond && conditionGuards(Cond, Child, TrustIsClosed))
        return true;
    }
    return false;
  }

  static bool assigns(const Stmt *S, const ValueDecl *V) {
    if (!S)
      return false;
    if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
      if (BO->isAssignmentOp())
        if (const auto *L =
                dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts()))
          if (L->getDecl() == V)
            return true;
    } else if (const auto *UO = dyn_cast<UnaryOperator>(S)) {
      if (UO->isIncrementDecrementOp())
        if (const auto *L =
                dyn_cast<DeclRefExpr>(UO->getSubExpr()->IgnoreParenImpCasts()))
          if (L->getDecl() == V)
            return true;
    } else if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(S)) {
      if (OC->isAssignmentOp() && OC->getNumArgs() == 2)
        if (const auto *L =
                dyn_cast<DeclRefExpr>(OC->getArg(0)->IgnoreParenImpCasts()))
          if (L->getDecl() == V)
            return true;
    } else if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S)) {
      if (const CXXMethodDecl *MD = MC->getMethodDecl())
        if (MD->getIdentifier() && MD->getName() == "store")
          if (const auto *L = dyn_cast<DeclRefExpr>(
                  MC->getImplicitObjectArgument()->IgnoreParenImpCasts()))
            if (L->getDecl() == V)
              return true;
    }
    for (const Stmt *Child : S->children())
      if (assigns(Child, V))
        return true;
    return false;
  }

  static bool conditionGuards(const Stmt *Cond, const Stmt *Branch,
                              bool TrustIsClosed) {
    if (!Cond)
      return false;
    if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(Cond)) {
      OverloadedOperatorKind K = OC->getOperator();
      if (K == OO_PlusPlus || K == OO_MinusMinus || K == OO_MinusEqual ||
          K == OO_PlusEqual)
        return true; // atomic countdown: if (--pending == 0)
    } else if (const auto *CE = dyn_cast<CallExpr>(Cond)) {
      if (std::optional<utils::MemberCallView> MV = utils::viewMemberCall(CE)) {
        llvm::StringRef N = MV->Method;
        if ((TrustIsClosed && N == "is_closed") || N == "exchange" ||
            N.starts_with("compare_exchange") || N == "test_and_set" ||
            N.starts_with("fetch_"))
          return true;
      } else if (utils::calleeName(CE) == "std::exchange") {
        return true;
      }
    } else if (const auto *UO = dyn_cast<UnaryOperator>(Cond)) {
      if (UO->isIncrementDecrementOp())
        return true;
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(Cond))
      if (isa<VarDecl>(DRE->getDecl()) && assigns(Branch, DRE->getDecl()))
        return true;
    for (const Stmt *Child : Cond->children())
      if (conditionGuards(Child, Branch, TrustIsClosed))
        return true;
    return false;
  }

  static bool declares(const Stmt *S, const ValueDecl *V) {
    if (const auto *DS = dyn_cast<DeclStmt>(S))
      for (const Decl *D : DS->decls())
        if (D == V)
          return true;
    return false;
  }

  bool resets(const Stmt *S, const ObjectRef &R) const {
    const Expr *LHS = nullptr;
    if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
      if (BO->getOpcode() == BO_Assign)
        LHS = BO->getLHS();
    } else if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(S)) {
      if (OC->getOperator() == OO_Equal && OC->getNumArgs() == 2)
        LHS = OC->getArg(0);
    } else if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S)) {
      if (const CXXMethodDecl *MD = MC->getMethodDecl())
        if (MD->getIdentifier() &&
            (MD->getName() == "reset" || MD->getName() == "emplace"))
          LHS = MC->getImplicitObjectArgument();
    }
    if (!LHS)
      return false;
    ObjectRef L = utils::resolveObject(LHS);
    return L && L.owner() == R.owner();
  }

  bool targetSendsOn(const Spawn &S, const ObjectRef &Obj) const {
    TargetView T = Target(S);
    if (!T.M)
      return false;
    llvm::SmallVector<const Op *, 8> Ops;
    T.M->subtreeOps(T.C, /*SkipOnce=*/false, Ops);
    for (const Op *O : Ops) {
      if (O->Kind != OpKind::Send)
        continue;
      std::optional<ObjectRef> A = objectAtSpawn(S, T, O->Ref, SM);
      if (A && A->sameObject(Obj))
        return true;
    }
    return false;
  }

  void flowRules(const Callable &C) {
    Flow FL;
    CFG::BuildOptions BO;
    BO.AddImplicitDtors = true;
    BO.AddTemporaryDtors = true;
    BO.setAllAlwaysAdd();
    FL.G = CFG::buildCFG(C.FD, const_cast<Stmt *>(C.Body), &Ctx, BO);
    if (!FL.G)
      return;
    for (const CFGBlock *B : *FL.G)
      for (unsigned I = 0; I < B->size(); ++I)
        if (std::optional<CFGStmt> S = (*B)[I].getAs<CFGStmt>())
          FL.Index.try_emplace(S->getStmt(), B, I);

    llvm::DenseMap<const Stmt *, const Op *> Closes;
    for (unsigned I : C.Ops)
      if (M.Ops[I].Kind == OpKind::Close)
        Closes.try_emplace(M.Ops[I].E, &M.Ops[I]);

    for (unsigned I : C.Ops) {
      const Op &X = M.Ops[I];
      if (X.Kind != OpKind::Close)
        continue;
      closeBeforeWait(C, FL, X);
      doubleClose(C, FL, X, Closes);
    }
  }

  //--- rule 3 -------------------------------------------------------------
  void doubleClose(const Callable &C, const Flow &FL, const Op &X,
                   const llvm::DenseMap<const Stmt *, const Op *> &Closes) {
    const CFGBlock *B;
    unsigned I;
    if (!locate(FL, C, X.E, B, I))
      return;
    const ValueDecl *Owner = X.Ref.owner();
    const Stmt *Hit = search(
        B, I,
        [&](const CFGElement &E, const Stmt *&Hit) {
          if (std::optional<CFGStmt> S = E.getAs<CFGStmt>()) {
            const Stmt *St = S->getStmt();
            auto It = Closes.find(St);
            if (It != Closes.end() && It->second->Ref.sameObject(X.Ref)) {
              Hit = St;
              return Step::Found;
            }
            if (declares(St, Owner) || resets(St, X.Ref))
              return Step::Stop;
          } else if (std::optional<CFGAutomaticObjDtor> D =
                         E.getAs<CFGAutomaticObjDtor>()) {
            if (D->getVarDecl() == Owner)
              return Step::Stop;
          }
          return Step::Continue;
        },
        [](const Stmt *) { return false; });
    if (!Hit)
      return;
    Finding F;
    F.Rule = DoubleClose;
    F.Name = nameOf(X.Ref);
    if (Hit == X.E) {
      if (guarded(X.E, C, PM, /*TrustIsClosed=*/true))
        return;
      F.Loc = X.E->getBeginLoc();
      F.Message = "'%0' is closed inside a loop and may be closed more than "
                  "once";
      const Stmt *Loop = nullptr;
      const Stmt *Child = X.E;
      for (const Stmt *P = PM.getParent(X.E); P && Child != C.Body;
           Child = P, P = PM.getParent(P)) {
        if (isa<LambdaExpr>(P))
          break;
        if (isLoop(P) && loopBody(P) == Child && !declaredWithin(Owner, P, SM)) {
          Loop = P;
          break;
        }
      }
      F.Notes.emplace_back(Loop ? Loop->getBeginLoc() : X.E->getBeginLoc(),
                           "the loop repeats the close");
    } else {
      if (guarded(Hit, C, PM, /*TrustIsClosed=*/true))
        return;
      F.Loc = Hit->getBeginLoc();
      F.Message = "'%0' may be closed a second time on this path";
      F.Notes.emplace_back(X.E->getBeginLoc(), "'%0' is first closed here");
    }
    Report(std::move(F));
  }

  //--- rule 4 -------------------------------------------------------------
  void closeBeforeWait(const Callable &C, const Flow &FL, const Op &X) {
    llvm::SmallPtrSet<const Stmt *, 4> RangeRecvs;
    for (unsigned J : C.Ops)
      if (M.Ops[J].Kind == OpKind::Recv && !isa<CallExpr>(M.Ops[J].E))
        RangeRecvs.insert(M.Ops[J].E);
    for (unsigned SI : C.Spawns) {
      const Spawn &S = M.Spawns[SI];
      if (!targetSendsOn(S, X.Ref))
        continue;
      const CFGBlock *B;
      unsigned I;
      if (!locate(FL, C, S.Site, B, I))
        continue;
      const Stmt *Hit = search(
          B, I,
          [&](const CFGElement &E, const Stmt *&Hit) {
            if (std::optional<CFGStmt> St = E.getAs<CFGStmt>()) {
              if (St->getStmt() == X.E) {
                Hit = X.E;
                return Step::Found;
              }
              if (const auto *CE = dyn_cast<CallExpr>(St->getStmt()))
                if (isWaitCall(CE) || isBlockingReceive(CE))
                  return Step::Stop;
              if (RangeRecvs.contains(St->getStmt()))
                return Step::Stop;
            } else if (std::optional<CFGAutomaticObjDtor> D =
                           E.getAs<CFGAutomaticObjDtor>()) {
              if (isJoining(D->getVarDecl()->getType()))
                return Step::Stop;
            } else if (std::optional<CFGTemporaryDtor> D =
                           E.getAs<CFGTemporaryDtor>()) {
              if (isJoining(D->getBindTemporaryExpr()->getType()))
                return Step::Stop;
            }
            return Step::Continue;
          },
          [&](const Stmt *T) { return containsWait(T); });
      if (!Hit)
        continue;
      Finding F;
      F.Rule = CloseBeforeWait;
      F.Loc = X.E->getBeginLoc();
      F.Name = nameOf(X.Ref);
      F.Message = "'%0' is closed while producers started by this function "
                  "may still send on it; wait for them before closing";
      F.Notes.emplace_back(S.Site->getBeginLoc(),
                           "a producer that sends on '%0' is started here");
      swapWithNextWait(C, X, F);
      Report(std::move(F));
      return;
    }
  }

  /// `ch.close(); g.wait();` with no receive from ch in this callable:
  /// swapping the two statements is the certain repair.
  void swapWithNextWait(const Callable &C, const Op &X, Finding &F) {
    for (unsigned J : C.Ops)
      if (M.Ops[J].Kind == OpKind::Recv && M.Ops[J].Ref.sameObject(X.Ref))
        return;
    const auto *CS = dyn_cast_or_null<CompoundStmt>(PM.getParent(X.E));
    if (!CS)
      return;
    const Stmt *const *It = llvm::find(CS->body(), X.E);
    if (It == CS->body_end() || std::next(It) == CS->body_end())
      return;
    const auto *Next = dyn_cast<CallExpr>(*std::next(It));
    if (!Next || !isWaitCall(Next))
      return;
    if (X.E->getBeginLoc().isMacroID() || X.E->getEndLoc().isMacroID() ||
        Next->getBeginLoc().isMacroID() || Next->getEndLoc().isMacroID())
      return;
    const LangOptions &LO = Ctx.getLangOpts();
    CharSourceRange CloseR = CharSourceRange::getTokenRange(X.E->getSourceRange());
    CharSourceRange WaitR = CharSourceRange::getTokenRange(Next->getSourceRange());
    StringRef CloseText = Lexer::getSourceText(CloseR, SM, LO);
    StringRef WaitText = Lexer::getSourceText(WaitR, SM, LO);
    if (CloseText.empty() || WaitText.empty())
      return;
    F.Fixes.push_back(FixItHint::CreateReplacement(CloseR, WaitText));
    F.Fixes.push_back(FixItHint::CreateReplacement(WaitR, CloseText));
  }

  const Config &Cfg;
  const Model &M;
  ASTContext &Ctx;
  const SourceManager &SM;
  const ParentMap &PM;
  llvm::function_ref<const TargetView(const Spawn &)> Target;
  llvm::function_ref<void(Finding)> Report;
  llvm::DenseMap<const Stmt *, bool> WaitMemo;
};

} // namespace single_closer

void SingleCloserCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *FD = Result.Nodes.getNodeAs<FunctionDecl>("fn");
  if (!FD || !FD->doesThisDeclarationHaveABody() || !FD->getBody())
    return;
  SM = Result.SourceManager;
  if (FD->isImplicit() || !Scope.shouldAnalyze(FD->getLocation(), *SM))
    return;
  // Analyse templates once, in their pattern; lambdas with their enclosing
  // function.
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD);
      MD && MD->getParent()->isLambda())
    return;
  for (const DeclContext *DC = FD; DC; DC = DC->getParent()) {
    if (const auto *F = dyn_cast<FunctionDecl>(DC)) {
      if (F->isTemplateInstantiation())
        return;
    } else if (const auto *R = dyn_cast<CXXRecordDecl>(DC)) {
      if (R->getTemplateSpecializationKind() == TSK_ImplicitInstantiation ||
          R->getTemplateSpecializationKind() ==
              TSK_ExplicitInstantiationDefinition ||
          R->getTemplateSpecializationKind() ==
              TSK_ExplicitInstantiationDeclaration)
        return;
    }
  }
  ASTContext &Ctx = *Result.Context;
  Model M;
  Collector(*Cfg, M).run(FD, FD->getBody());
  if (!M.HasClose && M.Spawns.empty())
    return;
  const ParentMap &PM = M.parents();

  auto Target = [&](const Spawn &S) -> const TargetView {
    TargetView T;
    if (S.Target.Lambda) {
      auto It = M.ByLambda.find(S.Target.Lambda);
      if (It == M.ByLambda.end())
        return T;
      T.M = &M;
      T.C = It->second;
      T.Fn = S.Target.Lambda->getCallOperator();
      T.Body = S.Target.Lambda->getBody();
      return T;
    }
    const FunctionDecl *Def = nullptr;
    if (!S.Target.Function->hasBody(Def) || !Def || !Def->getBody())
      return T;
    if (Def == FD) {
      T.M = &M;
      T.C = M.Root;
    } else {
      if (!Scope.shouldAnalyze(Def->getLocation(), *SM))
        return T;
      T.M = &functionModel(Def, Ctx);
      T.C = T.M->Root;
    }
    T.Fn = Def;
    T.Body = Def->getBody();
    return T;
  };
  auto Report = [&](Finding F) {
    SourceLocation L = SM->getExpansionLoc(F.Loc);
    auto Key = std::make_pair(SM->getFileID(L).getHashValue(),
                              SM->getFileOffset(L));
    auto [It, Inserted] = Findings.try_emplace(Key, F);
    if (!Inserted && F.Rule < It->second.Rule)
      It->second = std::move(F);
  };
  FlowRules(*Cfg, M, Ctx, PM, Target, Report).run();
}

void SingleCloserCheck::onEndOfTranslationUnit() {
  for (auto &[Key, F] : Findings) {
    {
      auto D = diag(F.Loc, F.Message) << F.Name;
      for (const FixItHint &H : F.Fixes)
        D << H;
    }
    for (const auto &[Loc, Text] : F.Notes)
      diag(Loc, Text, DiagnosticIDs::Note) << F.Name;
  }
  Findings.clear();
  FunctionModels.clear();
}

} // namespace clang::tidy::leakguard
