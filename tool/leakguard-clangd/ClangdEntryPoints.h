//===--- ClangdEntryPoints.h - the few clangd symbols leakguard uses ------===//
//
// Debian's libclang-19-dev ships clangd's static libraries (libclangdMain.a,
// libclangDaemon.a) but not clangd's headers. These are the declarations, as
// of LLVM 19, of the functions leakguard-clangd calls or wraps; a mismatch is
// an undefined symbol at link time, not a silent ABI break, because every one
// of them is referenced by its mangled name.
//
//===----------------------------------------------------------------------===//

#ifndef LEAKGUARD_TOOL_CLANGD_ENTRYPOINTS_H
#define LEAKGUARD_TOOL_CLANGD_ENTRYPOINTS_H

#include "clang-tidy/ClangTidyOptions.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include <optional>

namespace clang::clangd {

// clangd/tool/ClangdMain.cpp
int clangdMain(int argc, char *argv[]);

// clangd/TidyProvider.h
using TidyProviderRef =
    llvm::function_ref<void(tidy::ClangTidyOptions &, llvm::StringRef)>;

} // namespace clang::clangd

#endif
