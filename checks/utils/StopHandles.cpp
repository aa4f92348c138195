//===--- StopHandles.cpp --------------------------------------------------===//

#include "StopHandles.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"

namespace clang::tidy::leakguard::utils {

static const DeclContext *skipTransparent(const DeclContext *DC) {
  while (DC) {
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
      if (!NS->isInline())
        return DC;
    } else if (!isa<LinkageSpecDecl>(DC) && !isa<ExportDecl>(DC)) {
      return DC;
    }
    DC = DC->getParent();
  }
  return DC;
}

bool qualifiedNameMatches(const NamedDecl *D, llvm::StringRef QualName) {
  if (!D)
    return false;
  // Cheap reject first: the last component against D's own identifier.
  const IdentifierInfo *Own = D->getIdentifier();
  size_t Sep = QualName.rfind("::");
  if (!Own || Own->getName() !=
                  (Sep == llvm::StringRef::npos ? QualName
                                                : QualName.substr(Sep + 2)))
    return false;
  const bool Full = QualName.consume_front("::");
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  QualName.split(Parts, "::");
  if (Parts.empty())
    return false;
  const IdentifierInfo *II = D->getIdentifier();
  if (!II || II->getName() != Parts.back())
    return false;
  const DeclContext *DC = skipTransparent(D->getDeclContext());
  for (llvm::StringRef Part : llvm::reverse(llvm::ArrayRef(Parts).drop_back())) {
    const auto *ND = dyn_cast_or_null<NamedDecl>(DC);
    if (!ND)
      return false;
    const IdentifierInfo *CI = ND->getIdentifier();
    if (!CI || CI->getName() != Part)
      return false;
    DC = skipTransparent(DC->getParent());
  }
  return !Full || (DC && DC->isTranslationUnit());
}

bool qualifiedNameMatchesOneOf(const NamedDecl *D,
                               llvm::ArrayRef<std::string> Names) {
  return llvm::any_of(Names, [D](const std::string &Name) {
    return qualifiedNameMatches(D, Name);
  });
}

const CXXRecordDecl *classOfType(QualType T, bool ThroughPointer) {
  if (T.isNull())
    return nullptr;
  T = T.getNonReferenceType();
  if (ThroughPointer && T->isPointerType())
    T = T->getPointeeType();
  if (const CXXRecordDecl *RD = T->getAsCXXRecordDecl())
    return RD;
  if (const auto *TST = T->getAs<TemplateSpecializationType>())
    if (const auto *CTD = dyn_cast_or_null<ClassTemplateDecl>(
            TST->getTemplateName().getAsTemplateDecl()))
      return CTD->getTemplatedDecl();
  return nullptr;
}

bool isStopHandleType(QualType T, llvm::ArrayRef<std::string> HandleTypes) {
  if (T.isNull() || T.getNonReferenceType()->isPointerType())
    return false;
  const CXXRecordDecl *RD = classOfType(T);
  return RD && qualifiedNameMatchesOneOf(RD, HandleTypes);
}

static bool sameParamType(QualType A, QualType B) {
  if (A.isNull() || B.isNull())
    return true;
  if (A->isDependentType() || B->isDependentType())
    return true;
  A = A.getNonReferenceType().getCanonicalType().getUnqualifiedType();
  B = B.getNonReferenceType().getCanonicalType().getUnqualifiedType();
  return A == B;
}

static void collectClassAndBases(const CXXRecordDecl *RD,
                                 llvm::SmallVectorImpl<const CXXRecordDecl *> &Out,
                                 llvm::SmallPtrSetImpl<const CXXRecordDecl *> &Seen) {
  if (!RD || !RD->hasDefinition())
    return;
  RD = RD->getDefinition();
  if (!Seen.insert(RD).second || Out.size() > 16)
    return;
  Out.push_back(RD);
  for (const CXXBaseSpecifier &Base : RD->bases())
    collectClassAndBases(classOfType(Base.getType()), Out, Seen);
}

llvm::SmallVector<StopAwareOverload, 2>
findStopAwareOverloads(const DeclContext *Scope, DeclarationName Name,
                       unsigned NumWritten, const FunctionDecl *Callee,
                       llvm::ArrayRef<std::string> HandleTypes) {
  llvm::SmallVector<StopAwareOverload, 2> Found;
  if (!Scope)
    return Found;
  llvm::SmallVector<const DeclContext *, 4> Scopes;
  if (const auto *RD = dyn_cast<CXXRecordDecl>(Scope)) {
    llvm::SmallVector<const CXXRecordDecl *, 4> Classes;
    llvm::SmallPtrSet<const CXXRecordDecl *, 4> Seen;
    collectClassAndBases(RD, Classes, Seen);
    Scopes.append(Classes.begin(), Classes.end());
  } else {
    Scopes.push_back(Scope);
  }
  for (const DeclContext *DC : Scopes) {
    for (const NamedDecl *ND : DC->lookup(Name)) {
      if (const auto *Shadow = dyn_cast<UsingShadowDecl>(ND))
        ND = Shadow->getTargetDecl();
      const FunctionDecl *F = ND->getAsFunction();
      if (!F)
        continue;
      std::optional<unsigned> HandleIndex;
      bool Ambiguous = false;
      llvm::SmallVector<const ParmVarDecl *, 4> Others;
      for (unsigned I = 0, E = F->getNumParams(); I != E; ++I) {
        const ParmVarDecl *P = F->getParamDecl(I);
        if (!P->isParameterPack() &&
            isStopHandleType(P->getType(), HandleTypes)) {
          Ambiguous |= HandleIndex.has_value();
          HandleIndex = I;
          continue;
        }
        Others.push_back(P);
      }
      if (!HandleIndex || Ambiguous || *HandleIndex > NumWritten)
        continue;
      const bool Pack = !Others.empty() && Others.back()->isParameterPack();
      const size_t Fixed = Pack ? Others.size() - 1 : Others.size();
      if (Pack ? Fixed > NumWritten : Fixed < NumWritten)
        continue;
      if (!Pack &&
          !llvm::all_of(llvm::ArrayRef(Others).drop_front(NumWritten),
                        [](const ParmVarDecl *P) { return P->hasDefaultArg(); }))
        continue;
      bool Agrees = true;
      if (Callee)
        for (unsigned I = 0; I < NumWritten && I < Callee->getNumParams(); ++I)
          Agrees &= sameParamType(Others[std::min<size_t>(I, Others.size() - 1)]
                                      ->getType(),
                                  Callee->getParamDecl(I)->getType());
      if (!Agrees)
        continue;
      Found.push_back(StopAwareOverload{
          *HandleIndex, F->getParamDecl(*HandleIndex)->getType()});
    }
  }
  return Found;
}

bool convertsToHandleParam(QualType From, QualType To) {
  if (To.isNull() || To.getNonReferenceType()->isDependentType())
    return true;
  const CXXRecordDecl *FromRD = classOfType(From);
  const CXXRecordDecl *ToRD = classOfType(To);
  if (!FromRD || !ToRD)
    return false;
  if (FromRD->getCanonicalDecl() == ToRD->getCanonicalDecl())
    return true;
  if (!FromRD->hasDefinition())
    return false;
  FromRD = FromRD->getDefinition();
  for (const NamedDecl *Conv : FromRD->getVisibleConversionFunctions()) {
    const auto *CD = dyn_cast<CXXConversionDecl>(Conv->getUnderlyingDecl());
    if (!CD)
      continue;
    const CXXRecordDecl *Target = classOfType(CD->getConversionType());
    if (Target && Target->getCanonicalDecl() == ToRD->getCanonicalDecl())
      return true;
  }
  return !FromRD->isDependentContext() && ToRD->hasDefinition() &&
         FromRD->isDerivedFrom(ToRD->getDefinition());
}

} // namespace clang::tidy::leakguard::utils
