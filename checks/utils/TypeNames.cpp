//===--- TypeNames.cpp ----------------------------------------------------===//

#include "TypeNames.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace clang::ast_matchers;

namespace clang::tidy::leakguard::utils {

static bool isQualifiedName(llvm::StringRef Name) {
  Name.consume_front("::");
  if (Name.empty())
    return false;
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  Name.split(Parts, "::");
  return llvm::all_of(Parts, [](llvm::StringRef Part) {
    return !Part.empty() && !llvm::isDigit(Part.front()) &&
           llvm::all_of(Part, [](char C) {
             return llvm::isAlnum(C) || C == '_';
           });
  });
}

std::vector<std::string> parseQualifiedNameList(ClangTidyCheck &Check,
                                                llvm::StringRef OptionName,
                                                llvm::StringRef Value) {
  std::vector<std::string> Names;
  llvm::SmallVector<llvm::StringRef, 8> Entries;
  Value.split(Entries, ';', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (llvm::StringRef Entry : Entries) {
    Entry = Entry.trim();
    if (Entry.empty())
      continue;
    if (!isQualifiedName(Entry)) {
      Check.configurationDiag("invalid type name '%0' in option '%1'; "
                              "expected a qualified name such as "
                              "'boost::fibers::buffered_channel'")
          << Entry << OptionName;
      continue;
    }
    Names.push_back(Entry.str());
  }
  return Names;
}

bool parseBoolOption(ClangTidyCheck &Check, llvm::StringRef OptionName,
                     llvm::StringRef Value, bool Default) {
  std::string Lower = Value.trim().lower();
  if (Lower == "true" || Lower == "1")
    return true;
  if (Lower == "false" || Lower == "0")
    return false;
  Check.configurationDiag("invalid value '%0' for option '%1'; expected "
                          "'true' or 'false'")
      << Value << OptionName;
  return Default;
}

std::string joinNameList(llvm::ArrayRef<std::string> Names) {
  return llvm::join(Names, ";");
}

ast_matchers::internal::Matcher<NamedDecl>
namedOneOf(llvm::ArrayRef<std::string> Names) {
  std::vector<llvm::StringRef> Refs(Names.begin(), Names.end());
  return namedDecl(hasAnyName(Refs));
}

ast_matchers::internal::Matcher<QualType>
typeNamedOneOf(llvm::ArrayRef<std::string> Names) {
  auto Named = namedOneOf(Names);
  auto Record = qualType(hasUnqualifiedDesugaredType(
      anyOf(recordType(hasDeclaration(cxxRecordDecl(Named))),
            injectedClassNameType(hasDeclaration(cxxRecordDecl(Named))),
            templateSpecializationType(
                hasDeclaration(classTemplateDecl(Named))))));
  return qualType(anyOf(Record, references(Record), pointsTo(Record)));
}

} // namespace clang::tidy::leakguard::utils
