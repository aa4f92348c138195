//===--- ChannelOps.cpp ---------------------------------------------------===//

#include "ChannelOps.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/STLExtras.h"

namespace clang::tidy::leakguard::utils {

std::string plainQualifiedName(const NamedDecl *D) {
  if (!D || !D->getIdentifier())
    return {};
  llvm::SmallVector<llvm::StringRef, 6> Parts;
  Parts.push_back(D->getName());
  for (const DeclContext *C = D->getDeclContext(); C; C = C->getParent()) {
    if (const auto *NS = dyn_cast<NamespaceDecl>(C)) {
      if (NS->isInline() || NS->isAnonymousNamespace())
        continue;
      Parts.push_back(NS->getName());
    } else if (const auto *R = dyn_cast<RecordDecl>(C)) {
      if (!R->getIdentifier())
        return {};
      Parts.push_back(R->getName());
    } else if (isa<TranslationUnitDecl>(C)) {
      break;
    } else if (isa<LinkageSpecDecl>(C) || isa<ExportDecl>(C)) {
      continue;
    } else {
      return {};
    }
  }
  std::string Result;
  for (llvm::StringRef Part : llvm::reverse(Parts)) {
    if (!Result.empty())
      Result += "::";
    Result += Part;
  }
  return Result;
}

const NamedDecl *namedClassOf(QualType T) {
  if (T.isNull())
    return nullptr;
  T = T.getNonReferenceType();
  if (const auto *PT = T->getAs<PointerType>())
    T = PT->getPointeeType();
  const Type *Ty = T->getUnqualifiedDesugaredType();
  if (const auto *RT = dyn_cast<RecordType>(Ty))
    return RT->getDecl();
  if (const auto *IC = dyn_cast<InjectedClassNameType>(Ty))
    return IC->getDecl();
  if (const auto *TST = dyn_cast<TemplateSpecializationType>(Ty))
    return TST->getTemplateName().getAsTemplateDecl();
  return nullptr;
}

QualType firstTemplateArg(QualType T) {
  if (T.isNull())
    return {};
  T = T.getNonReferenceType();
  const Type *Ty = T->getUnqualifiedDesugaredType();
  llvm::ArrayRef<TemplateArgument> Args;
  if (const auto *RT = dyn_cast<RecordType>(Ty)) {
    if (const auto *Spec =
            dyn_cast<ClassTemplateSpecializationDecl>(RT->getDecl()))
      Args = Spec->getTemplateArgs().asArray();
  } else if (const auto *TST = dyn_cast<TemplateSpecializationType>(Ty)) {
    Args = TST->template_arguments();
  }
  if (Args.empty() || Args.front().getKind() != TemplateArgument::Type)
    return {};
  return Args.front().getAsType();
}

void QualifiedNameSet::add(llvm::StringRef Name) {
  Name = Name.trim();
  Name.consume_front("::");
  if (!Name.empty())
    Names.insert(Name);
}

bool QualifiedNameSet::contains(const NamedDecl *D) const {
  if (!D)
    return false;
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(D))
    D = Spec->getSpecializedTemplate();
  return Names.contains(plainQualifiedName(D));
}

bool QualifiedNameSet::containsType(QualType T) const {
  return contains(namedClassOf(T));
}

bool QualifiedNameSet::containsTypeOrElement(QualType T) const {
  if (containsType(T))
    return true;
  QualType Elem = firstTemplateArg(T);
  return !Elem.isNull() && containsType(Elem);
}

static llvm::StringRef identifierOf(DeclarationName N) {
  if (const IdentifierInfo *II = N.getAsIdentifierInfo())
    return II->getName();
  return {};
}

std::optional<MemberCallView> viewMemberCall(const CallExpr *Call) {
  if (!Call)
    return std::nullopt;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call)) {
    const CXXMethodDecl *M = MC->getMethodDecl();
    if (!M || !M->getIdentifier())
      return std::nullopt;
    const Expr *Obj = MC->getImplicitObjectArgument();
    if (Obj && isa<CXXThisExpr>(Obj->IgnoreParenImpCasts()) &&
        cast<CXXThisExpr>(Obj->IgnoreParenImpCasts())->isImplicit())
      Obj = nullptr;
    return MemberCallView{Obj, M->getName(), M->getParent()};
  }
  if (isa<CXXOperatorCallExpr>(Call))
    return std::nullopt;
  const Expr *Callee = Call->getCallee();
  if (!Callee)
    return std::nullopt;
  Callee = Callee->IgnoreParenImpCasts();
  if (const auto *DM = dyn_cast<CXXDependentScopeMemberExpr>(Callee)) {
    llvm::StringRef Name = identifierOf(DM->getMember());
    if (Name.empty())
      return std::nullopt;
    const Expr *Obj = DM->isImplicitAccess() ? nullptr : DM->getBase();
    return MemberCallView{Obj, Name, namedClassOf(DM->getBaseType())};
  }
  if (const auto *UM = dyn_cast<UnresolvedMemberExpr>(Callee)) {
    llvm::StringRef Name = identifierOf(UM->getMemberName());
    if (Name.empty())
      return std::nullopt;
    const Expr *Obj = UM->isImplicitAccess() ? nullptr : UM->getBase();
    const NamedDecl *Class = UM->getNamingClass();
    if (!Class)
      Class = namedClassOf(UM->getBaseType());
    return MemberCallView{Obj, Name, Class};
  }
  if (const auto *ME = dyn_cast<MemberExpr>(Callee)) {
    const auto *M = dyn_cast<CXXMethodDecl>(ME->getMemberDecl());
    if (!M || !M->getIdentifier())
      return std::nullopt;
    return MemberCallView{ME->getBase(), M->getName(), M->getParent()};
  }
  return std::nullopt;
}

std::string calleeName(const CallExpr *Call) {
  if (const FunctionDecl *FD = Call->getDirectCallee())
    return plainQualifiedName(FD);
  const Expr *Callee = Call->getCallee();
  if (!Callee)
    return {};
  Callee = Callee->IgnoreParenImpCasts();
  if (const auto *UL = dyn_cast<UnresolvedLookupExpr>(Callee)) {
    for (const NamedDecl *D : UL->decls())
      return plainQualifiedName(D->getUnderlyingDecl());
  }
  return {};
}

static const Expr *strip(const Expr *E) {
  while (E) {
    const Expr *Next = E->IgnoreImplicit()->IgnoreParens();
    if (const auto *FC = dyn_cast<CXXFunctionalCastExpr>(Next))
      Next = FC->getSubExpr();
    if (Next == E)
      break;
    E = Next;
  }
  return E;
}

static bool isForwardingFunction(const CallExpr *Call) {
  if (Call->getNumArgs() != 1)
    return false;
  std::string Name = calleeName(Call);
  return Name == "std::ref" || Name == "std::cref" || Name == "std::move" ||
         Name == "std::forward" || Name == "std::addressof" ||
         Name == "boost::ref";
}

ObjectRef resolveObject(const Expr *E) {
  ObjectRef Result;
  for (unsigned Depth = 0; E && Depth < 12; ++Depth) {
    E = strip(E);
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      if (!Result.Leaf)
        Result.Leaf = DRE;
      const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
      if (!VD) {
        if (const auto *BD = dyn_cast<BindingDecl>(DRE->getDecl())) {
          Result.Decl = BD;
          return Result;
        }
        return {};
      }
      // Follow a local alias (reference, pointer, smart pointer, lambda
      // init-capture) to the object it was initialised from.
      if (!isa<ParmVarDecl>(VD) && VD->getInit() &&
          (VD->isInitCapture() || VD->getType()->isReferenceType() ||
           VD->getType()->isPointerType() ||
           !firstTemplateArg(VD->getType()).isNull()) &&
          (VD->isLocalVarDecl() || VD->isInitCapture())) {
        ObjectRef Inner = resolveObject(VD->getInit());
        if (Inner) {
          Inner.Leaf = Result.Leaf;
          return Inner;
        }
      }
      Result.Decl = VD;
      return Result;
    }
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl());
      if (!FD)
        return {};
      if (!Result.Leaf)
        Result.Leaf = ME;
      const Expr *Base = strip(ME->getBase());
      if (isa<CXXThisExpr>(Base)) {
        Result.Decl = FD;
        return Result;
      }
      ObjectRef B = resolveObject(Base);
      if (!B || B.Base || isa<FieldDecl>(B.Decl))
        return {};
      Result.Decl = FD;
      Result.Base = B.Decl;
      return Result;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() != UO_Deref && UO->getOpcode() != UO_AddrOf)
        return {};
      E = UO->getSubExpr();
      continue;
    }
    if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(E)) {
      OverloadedOperatorKind K = OC->getOperator();
      if ((K == OO_Arrow || K == OO_Star) && OC->getNumArgs() == 1) {
        E = OC->getArg(0);
        continue;
      }
      return {};
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
      const CXXMethodDecl *M = MC->getMethodDecl();
      if (M && M->getIdentifier() && MC->getNumArgs() == 0 &&
          (M->getName() == "get" || M->getName() == "underlying")) {
        E = MC->getImplicitObjectArgument();
        continue;
      }
      return {};
    }
    if (const auto *Call = dyn_cast<CallExpr>(E)) {
      if (isForwardingFunction(Call)) {
        E = Call->getArg(0);
        continue;
      }
      return {};
    }
    if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
      // Copies and moves, and converting constructors such as
      // send_end(channel&) or reference_wrapper.
      if (CE->getNumArgs() >= 1 &&
          (CE->getNumArgs() == 1 || isa<CXXDefaultArgExpr>(CE->getArg(1))) &&
          (CE->getArg(0)->getType()->isRecordType() ||
           CE->getArg(0)->getType()->isPointerType() ||
           CE->getArg(0)->getType()->isDependentType())) {
        E = CE->getArg(0);
        continue;
      }
      return {};
    }
    return {};
  }
  return {};
}

CallableTarget resolveCallable(const Expr *E) {
  CallableTarget Result;
  for (unsigned Depth = 0; E && Depth < 8; ++Depth) {
    E = strip(E);
    if (const auto *LE = dyn_cast<LambdaExpr>(E)) {
      Result.Lambda = LE;
      return Result;
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl())) {
        Result.Function = FD;
        Result.Identity = FD->getCanonicalDecl();
        return Result;
      }
      const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
      if (!VD || isa<ParmVarDecl>(VD) || !VD->getInit())
        return {};
      if (!Result.Identity)
        Result.Identity = VD;
      E = VD->getInit();
      continue;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() != UO_AddrOf)
        return {};
      E = UO->getSubExpr();
      continue;
    }
    if (const auto *Call = dyn_cast<CallExpr>(E)) {
      if (!isForwardingFunction(Call))
        return {};
      E = Call->getArg(0);
      continue;
    }
    if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
      // Copies of a closure, and wrappers such as std::function or
      // leakguard's go_fn that take the callable as their first argument.
      if (CE->getNumArgs() == 0)
        return {};
      E = CE->getArg(0);
      continue;
    }
    return {};
  }
  return {};
}

std::string spawnCallName(const CallExpr *Call,
                          const std::optional<MemberCallView> &MV) {
  if (!MV)
    return calleeName(Call);
  std::string Name;
  if (MV->Class) {
    Name = plainQualifiedName(MV->Class);
    if (!Name.empty())
      Name += "::";
    Name += MV->Method;
  }
  return Name;
}

/// The spawn site \p Site is when the first of \p Args that resolves to a
/// callable is what it starts, and the arguments after it are bound to it.
static std::optional<SpawnSite> spawnSite(const Expr *Site,
                                          llvm::ArrayRef<const Expr *> Args,
                                          bool Repeats = false,
                                          SourceLocation Loc = {}) {
  for (unsigned I = 0; I < Args.size(); ++I) {
    CallableTarget T = resolveCallable(Args[I]);
    if (!T)
      continue;
    SpawnSite S;
    S.Site = Site;
    S.Loc = Loc.isValid() ? Loc : Site->getBeginLoc();
    S.Target = T;
    S.CallableArg = Args[I];
    S.Repeats = Repeats;
    unsigned Rest = Repeats ? Args.size() : I + 1; // per-item arguments
    if (const auto *MD = dyn_cast_or_null<CXXMethodDecl>(T.Function);
        MD && !MD->isStatic() && Rest < Args.size())
      S.ObjectArg = Args[Rest++];
    for (; Rest < Args.size(); ++Rest)
      if (!isa<CXXDefaultArgExpr>(Args[Rest]))
        S.Args.push_back(Args[Rest]);
    return S;
  }
  return std::nullopt;
}

std::optional<SpawnSite> findSpawn(const CallExpr *Call,
                                   const std::optional<MemberCallView> &MV,
                                   llvm::StringRef Name,
                                   const SpawnVocabulary &V) {
  llvm::ArrayRef<const Expr *> Args(Call->getArgs(), Call->getNumArgs());
  if (!Name.empty() && V.SpawnFunctions.containsName(Name))
    return spawnSite(Call, Args);
  if (!Name.empty() && V.RepeatSpawners && V.RepeatSpawners->containsName(Name))
    return spawnSite(Call, Args, /*Repeats=*/true);
  // threads.emplace_back(fn, args...) on a container of threads.
  if (MV && MV->Object &&
      (MV->Method == "emplace_back" || MV->Method == "emplace_front")) {
    QualType Elem = firstTemplateArg(MV->Object->getType());
    if (!Elem.isNull() && V.ThreadTypes.containsType(Elem))
      return spawnSite(Call, Args);
  }
  return std::nullopt;
}

std::optional<SpawnSite> findSpawn(const CXXConstructExpr *E,
                                   const SpawnVocabulary &V) {
  if (E->getNumArgs() == 0 || E->getConstructor()->isCopyOrMoveConstructor() ||
      !V.ThreadTypes.containsType(E->getType()))
    return std::nullopt;
  return spawnSite(E,
                   llvm::ArrayRef<const Expr *>(E->getArgs(), E->getNumArgs()));
}

std::optional<SpawnSite> findSpawn(const CXXUnresolvedConstructExpr *E,
                                   const SpawnVocabulary &V) {
  if (E->getNumArgs() == 0 || !V.ThreadTypes.containsType(E->getType()))
    return std::nullopt;
  return spawnSite(E,
                   llvm::ArrayRef<const Expr *>(E->arg_begin(), E->arg_end()));
}

std::optional<SpawnSite> findSpawn(const VarDecl *VD,
                                   const SpawnVocabulary &V) {
  const Expr *Init = VD->getInit();
  if (!Init || isa<ParmVarDecl>(VD))
    return std::nullopt;
  auto *PL =
      dyn_cast<ParenListExpr>(const_cast<Expr *>(Init->IgnoreImplicit()));
  if (!PL || PL->getNumExprs() == 0 ||
      !V.ThreadTypes.containsType(VD->getType()))
    return std::nullopt;
  return spawnSite(
      PL, llvm::ArrayRef<const Expr *>(PL->getExprs(), PL->getNumExprs()),
      /*Repeats=*/false, VD->getLocation());
}

} // namespace clang::tidy::leakguard::utils
