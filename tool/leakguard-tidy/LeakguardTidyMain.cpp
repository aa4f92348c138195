//===--- LeakguardTidyMain.cpp - clang-tidy with leakguard built in -------===//
//
// The whole of clang-tidy (clangTidyMain links every upstream module through
// ClangTidyForceLinker.h) plus the leakguard module, linked statically, so
// `leakguard-tidy -checks=leakguard-*` works without `--load`.
//
//===----------------------------------------------------------------------===//

#include "clang-tidy/tool/ClangTidyMain.h"

namespace clang::tidy {
// Defined in checks/LeakguardTidyModule.cpp; referencing it keeps the module's
// object file (and so its registry entry) in the link.
extern volatile int LeakguardModuleAnchorSource;
[[maybe_unused]] static int LeakguardModuleAnchorDestination =
    LeakguardModuleAnchorSource;
} // namespace clang::tidy

int main(int argc, const char **argv) {
  return clang::tidy::clangTidyMain(argc, argv);
}
