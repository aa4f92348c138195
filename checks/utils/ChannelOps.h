//===--- ChannelOps.h - channel operations, spawn sites and waits ---------===//
//
// Vocabulary shared by the channel-ownership analysis of
// leakguard-single-closer: which object a channel operation acts on (through
// references, pointers, smart pointers, std::ref, lambda captures and local
// aliases), what a member call on a channel does (send, receive, close,
// query), which expressions start a concurrent callable (std::thread,
// std::jthread, leakguard::go, task_group::go, ...), and which calls or
// destructors wait for such callables.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_UTILS_CHANNELOPS_H
#define LEAKGUARD_CHECKS_UTILS_CHANNELOPS_H

#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSet.h"
#include <optional>
#include <string>

namespace clang::tidy::leakguard::utils {

/// "ns::inner::name" for \p D, skipping inline and anonymous namespaces;
/// empty when some enclosing scope has no name (function-local classes).
std::string plainQualifiedName(const NamedDecl *D);

/// The class (a CXXRecordDecl, or a ClassTemplateDecl for a dependent
/// specialization) that \p T names after sugar, cv, one reference and one
/// pointer.
const NamedDecl *namedClassOf(QualType T);

/// The first type template argument of the specialization \p T names
/// (vector<jthread> -> jthread, shared_ptr<channel<int>> -> channel<int>).
QualType firstTemplateArg(QualType T);

/// A set of qualified names, compared against plainQualifiedName().
class QualifiedNameSet {
public:
  void add(llvm::StringRef Name);
  bool contains(const NamedDecl *D) const;
  bool containsName(llvm::StringRef Name) const { return Names.contains(Name); }
  /// The class \p T names is in the set.
  bool containsType(QualType T) const;
  /// containsType(T), or T is a specialization (container, smart pointer,
  /// optional) whose first template argument is in the set.
  bool containsTypeOrElement(QualType T) const;

private:
  llvm::StringSet<> Names;
};

/// A call of a named member function, also in dependent code.
struct MemberCallView {
  const Expr *Object = nullptr; ///< null for an implicit `this`
  llvm::StringRef Method;
  const NamedDecl *Class = nullptr; ///< the class declaring or naming it
};
std::optional<MemberCallView> viewMemberCall(const CallExpr *Call);

/// The callee's qualified name of a non-member (or static) call, also for
/// unresolved calls in templates; empty when unknown.
std::string calleeName(const CallExpr *Call);

/// The object an expression denotes, as far as the channel analysis can tell:
/// a variable, a parameter, or a field (of `this`, or of a variable `Base`).
struct ObjectRef {
  const ValueDecl *Decl = nullptr;
  const ValueDecl *Base = nullptr;
  /// The DeclRefExpr / MemberExpr written in the analysed expression.
  const Expr *Leaf = nullptr;
  explicit operator bool() const { return Decl != nullptr; }
  bool sameObject(const ObjectRef &O) const {
    return Decl == O.Decl && Base == O.Base;
  }
  /// The declaration whose lifetime decides where the object lives.
  const ValueDecl *owner() const { return Base ? Base : Decl; }
};

/// Resolves \p E through parentheses, implicit conversions, `*`, `&`,
/// smart-pointer `->` / `*`, `.get()`, std::ref / std::move, copies and
/// converting constructors, and local references / pointers / lambda
/// init-captures initialised from another object.
ObjectRef resolveObject(const Expr *E);

/// A lambda or a function that a spawn site starts.
struct CallableTarget {
  const LambdaExpr *Lambda = nullptr;
  const FunctionDecl *Function = nullptr;
  /// What identifies "the same callable" at two spawn sites: the lambda, the
  /// variable holding it, or the function.
  const Decl *Identity = nullptr;
  const void *identity() const {
    return Identity ? static_cast<const void *>(Identity)
                    : static_cast<const void *>(Lambda);
  }
  explicit operator bool() const { return Lambda || Function; }
  const FunctionDecl *callOperator() const {
    return Lambda ? Lambda->getCallOperator() : Function;
  }
};
CallableTarget resolveCallable(const Expr *E);

/// What starts a callable concurrently, as a check's options name it.
struct SpawnVocabulary {
  /// Constructing one starts its callable argument (std::thread, ...).
  const QualifiedNameSet &ThreadTypes;
  /// Calling one starts its callable argument (leakguard::go, ...).
  const QualifiedNameSet &SpawnFunctions;
  /// ... and runs it per item or per worker; null when not distinguished.
  const QualifiedNameSet *RepeatSpawners = nullptr;
};

/// A place that starts a callable concurrently, and what it starts.
struct SpawnSite {
  const Expr *Site = nullptr; ///< the call, construction or `(...)` init
  /// Where a diagnostic points: the variable, for a ParenListExpr initialiser
  /// (`std::thread T(F)` in dependent code); else the start of Site.
  SourceLocation Loc;
  CallableTarget Target;
  const Expr *CallableArg = nullptr;
  const Expr *ObjectArg = nullptr; ///< the object a member function runs on
  /// The arguments bound to the callable (none for a repeat spawner).
  llvm::SmallVector<const Expr *, 4> Args;
  bool Repeats = false; ///< the spawner runs the callable many times
};

/// "Class::method" for a member call (\p MV is viewMemberCall(Call)), the
/// callee's qualified name otherwise; the name SpawnVocabulary's lists are
/// matched against. Empty when unknown.
std::string spawnCallName(const CallExpr *Call,
                          const std::optional<MemberCallView> &MV);
/// The spawn site a call is: a call of SpawnFunctions or RepeatSpawners
/// (named \p Name, from spawnCallName), or `emplace_back` / `emplace_front`
/// on a container of ThreadTypes. Empty when the call starts nothing, or
/// nothing that resolves to a callable.
std::optional<SpawnSite> findSpawn(const CallExpr *Call,
                                   const std::optional<MemberCallView> &MV,
                                   llvm::StringRef Name,
                                   const SpawnVocabulary &V);
/// The construction of a ThreadTypes object with arguments.
std::optional<SpawnSite> findSpawn(const CXXConstructExpr *E,
                                   const SpawnVocabulary &V);
std::optional<SpawnSite> findSpawn(const CXXUnresolvedConstructExpr *E,
                                   const SpawnVocabulary &V);
/// `std::thread T(F, ...)` in dependent code (a ParenListExpr initialiser).
std::optional<SpawnSite> findSpawn(const VarDecl *VD, const SpawnVocabulary &V);

} // namespace clang::tidy::leakguard::utils

#endif
