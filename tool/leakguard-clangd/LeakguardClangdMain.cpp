//===--- LeakguardClangdMain.cpp - clangd with leakguard built in ---------===//

#include "ClangdEntryPoints.h"

namespace clang::tidy {
// Defined in checks/LeakguardTidyModule.cpp; referencing it keeps the module's
// object file (and so its registry entry) in the link.
extern volatile int LeakguardModuleAnchorSource;
[[maybe_unused]] static int LeakguardModuleAnchorDestination =
    LeakguardModuleAnchorSource;
} // namespace clang::tidy

int main(int argc, char *argv[]) {
  return clang::clangd::clangdMain(argc, argv);
}
