//===--- TypeNames.h - type-name options shared by leakguard checks -------===//
//
// Every leakguard check recognises "types of a kind" (channels, semaphores,
// guards, stop handles) by qualified name: a built-in list plus the names a
// user adds in a semicolon-separated option. These helpers parse and
// validate such an option and turn the list into AST matchers.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_CHECKS_UTILS_TYPENAMES_H
#define LEAKGUARD_CHECKS_UTILS_TYPENAMES_H

#include "clang-tidy/ClangTidyCheck.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace clang::tidy::leakguard::utils {

/// Parses a semicolon-separated list of qualified names ("ns::type;other").
/// Blank entries are skipped; an entry that is not a C++ qualified name is
/// reported through \p Check's configuration diagnostics and dropped.
std::vector<std::string> parseQualifiedNameList(ClangTidyCheck &Check,
                                                llvm::StringRef OptionName,
                                                llvm::StringRef Value);

/// Parses a boolean option ("true"/"false", "1"/"0", any case); anything
/// else is a configuration diagnostic and gives \p Default.
bool parseBoolOption(ClangTidyCheck &Check, llvm::StringRef OptionName,
                     llvm::StringRef Value, bool Default);

/// Joins names back into option syntax, for storeOptions().
std::string joinNameList(llvm::ArrayRef<std::string> Names);

/// Matches a record declaration named one of \p Names, or a specialization
/// of a class template named one of \p Names.
ast_matchers::internal::Matcher<NamedDecl>
namedOneOf(llvm::ArrayRef<std::string> Names);

/// Matches a type that is (after typedefs, cv-qualifiers, one level of
/// reference or pointer) a record or template specialization named one of
/// \p Names, including dependent specializations inside templates.
ast_matchers::internal::Matcher<QualType>
typeNamedOneOf(llvm::ArrayRef<std::string> Names);

} // namespace clang::tidy::leakguard::utils

#endif
