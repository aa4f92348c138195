//===--- SemaphoreFlow.h - path-sensitive permit tracking over a CFG ------===//
//
// The analysis behind leakguard-deferred-release. For one function (or
// lambda) body it builds clang's CFG and walks its paths, tracking for every
// semaphore object named in the body whether a permit is held:
//
//  * `sem.acquire()` (void result) takes a permit;
//  * a bool-returning acquire (`try_acquire*`, `acquire(st)`) takes one only
//    on the branch where its result tested true (directly as a condition or
//    through a local bool that a later condition tests);
//  * `sem.release()` gives the latest one back;
//  * handing the semaphore on (passing it to a call, binding a reference,
//    capturing it in a callable that releases it, constructing a guard from
//    it) ends the tracking: ownership was transferred.
//
// Paths that reach the function exit (by falling off the end, return, break,
// continue, goto, throw, co_return) or leave through an exception from a call
// that is not noexcept while a permit is held are leaks. Branch conditions
// built only from local variables are remembered along a path, so correlated
// conditions (`if (ok) acquire ... if (ok) release`) are not reported.
// The walk is budgeted; a function that exceeds the budget yields no report.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_UTILS_SEMAPHOREFLOW_H
#define LEAKGUARD_CHECKS_UTILS_SEMAPHOREFLOW_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"
#include <optional>
#include <string>
#include <vector>

namespace clang::tidy::leakguard::utils {

/// Which record types are semaphores and which are guards. Lookups are
/// cached per declaration.
class SemaphoreModel {
public:
  SemaphoreModel(const std::vector<std::string> &Semaphores,
                 const std::vector<std::string> &Guards);

  /// \p T (through one reference or pointer) is a semaphore type.
  bool isSemaphore(QualType T) const;
  /// \p T is a guard / deferred-action type.
  bool isGuard(QualType T) const;
  /// Qualified name of the semaphore record or template behind \p T, or "".
  std::string semaphoreName(QualType T) const;

private:
  bool inSet(QualType T, const llvm::StringSet<> &Names,
             llvm::DenseMap<const Decl *, bool> &Cache) const;
  llvm::StringSet<> SemNames, GuardNames;
  mutable llvm::DenseMap<const Decl *, bool> SemCache, GuardCache;
};

/// Identity of a semaphore object inside one function: a variable, a field
/// of `this`, or a field of a variable.
struct SemaphoreKey {
  const ValueDecl *Base = nullptr;  // null: `this`
  const FieldDecl *Field = nullptr; // null: the variable itself
  bool operator==(const SemaphoreKey &O) const {
    return Base == O.Base && Field == O.Field;
  }
};

struct LeakReport {
  enum Kind {
    EarlyExit, // a jump statement leaves with the permit held
    EndOfBody, // control reaches the end of the body with the permit held
    Exception, // a call that may throw leaves with the permit held
    Loop,      // the same acquire runs again with the permit still held
  };
  Kind K;
  const CallExpr *Acquire;
  const Stmt *Escape; // the jump, the throwing call, the loop; or null
  bool KeyHasRelease; // the body releases or hands on this semaphore
  SemaphoreKey Key;
};

struct UnmatchedRelease {
  const CallExpr *Release;
  const CallExpr *Attempt; // the try_acquire that failed or was unchecked
  bool Unchecked;
};

/// A callable that received a held permit and releases it itself.
struct HandOff {
  const LambdaExpr *Callable;
  const CallExpr *Acquire;
  SemaphoreKey Key;
};

struct FlowResult {
  std::vector<LeakReport> Leaks;
  std::vector<UnmatchedRelease> Unmatched;
  std::vector<HandOff> HandOffs;
  /// Every acquire and release call on a tracked semaphore, with its key.
  std::vector<std::pair<const CXXMemberCallExpr *, SemaphoreKey>> Ops;
  /// Semaphores that are handed on (passed, captured, guarded) somewhere.
  std::vector<SemaphoreKey> HandedOn;
  bool Complete = true; // false when the walk ran out of budget
};

struct FlowOptions {
  bool CountExceptionPaths = true;
  /// When set: analyse \p HandOffFrom's callable, starting with a permit of
  /// \p HandOffKey held (acquired at \p HandOffAcquire by the spawner).
  const HandOff *HandOffFrom = nullptr;
};

/// Analyses \p Body of \p D. Returns an empty result quickly when the body
/// has no semaphore operation.
FlowResult analyzeSemaphoreFlow(const Decl *D, Stmt *Body, ASTContext &Ctx,
                                const SemaphoreModel &Model,
                                const FlowOptions &Opts);

/// The semaphore object's key for a member call on a semaphore, if it is a
/// form this analysis tracks.
std::optional<SemaphoreKey> semaphoreKeyOf(const Expr *Object);

} // namespace clang::tidy::leakguard::utils

namespace llvm {
template <> struct DenseMapInfo<clang::tidy::leakguard::utils::SemaphoreKey> {
  using Key = clang::tidy::leakguard::utils::SemaphoreKey;
  static Key getEmptyKey() {
    return {DenseMapInfo<const clang::ValueDecl *>::getEmptyKey(), nullptr};
  }
  static Key getTombstoneKey() {
    return {DenseMapInfo<const clang::ValueDecl *>::getTombstoneKey(),
            nullptr};
  }
  static unsigned getHashValue(const Key &K) {
    return hash_combine(K.Base, K.Field);
  }
  static bool isEqual(const Key &A, const Key &B) { return A == B; }
};
} // namespace llvm

#endif
