//===--- StopHandles.h - cancellation handles and stop-aware overloads ----===//
//
// Helpers for leakguard-stop-aware-blocking: recognise a cancellation handle
// type (std::stop_token, leakguard::context, ...), name-match declarations
// against qualified names without the AST matcher machinery (the check walks
// function bodies itself), and find, in a class's own overload set, the
// stop-aware overload of a blocking member call.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_UTILS_STOPHANDLES_H
#define LEAKGUARD_CHECKS_UTILS_STOPHANDLES_H

#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace clang::tidy::leakguard::utils {

/// True when \p D's qualified name ends with \p QualName at a component
/// boundary ("leakguard::channel" matches "::leakguard::channel"); a leading
/// "::" requires the whole name. Inline namespaces (std::_V2, std::__cxx11)
/// and linkage specifications are skipped, as hasName() does.
bool qualifiedNameMatches(const NamedDecl *D, llvm::StringRef QualName);

/// True when \p D matches one of \p Names (see qualifiedNameMatches).
bool qualifiedNameMatchesOneOf(const NamedDecl *D,
                               llvm::ArrayRef<std::string> Names);

/// The class behind \p T after references, cv-qualifiers and sugar: a
/// record, or for a dependent specialization (channel<T> in a template) the
/// primary template's pattern. With \p ThroughPointer, also one pointer.
const CXXRecordDecl *classOfType(QualType T, bool ThroughPointer = false);

/// True when \p T (after references and cv-qualifiers, not pointers) is a
/// class named one of \p HandleTypes.
bool isStopHandleType(QualType T, llvm::ArrayRef<std::string> HandleTypes);

/// Where a stop handle goes in a call that a class's stop-aware overload
/// accepts: before written argument \c InsertIndex (== written count: at the
/// end), as a parameter of type \c ParamType.
struct StopAwareOverload {
  unsigned InsertIndex;
  QualType ParamType;
};

/// The stop-aware overloads of a call: functions named \p Name in \p Scope
/// (a class, with its non-dependent bases, or a namespace) that take the
/// \p NumWritten written arguments plus exactly one stop-handle parameter,
/// every further parameter defaulted (a trailing std::source_location) or a
/// trailing pack. \p Callee, when known, is the function the call resolved
/// to; its parameter types must agree with the candidate's for the written
/// arguments.
llvm::SmallVector<StopAwareOverload, 2>
findStopAwareOverloads(const DeclContext *Scope, DeclarationName Name,
                       unsigned NumWritten, const FunctionDecl *Callee,
                       llvm::ArrayRef<std::string> HandleTypes);

/// True when a value of class type \p From can be passed where \p To (a
/// stop-handle parameter type) is expected: same class, or \p From has a
/// conversion function to it.
bool convertsToHandleParam(QualType From, QualType To);

} // namespace clang::tidy::leakguard::utils

#endif
