//===--- LeakguardTidyModule.cpp - the leakguard clang-tidy module --------===//
//
// Registers every leakguard-* check. Linked into the --load plugin and into
// leakguard-tidy / leakguard-clangd.
//
//===----------------------------------------------------------------------===//

#include "AddInsideThreadCheck.h"
#include "DeferredReleaseCheck.h"
#include "DetachedThreadCheck.h"
#include "SingleCloserCheck.h"
#include "StopAwareBlockingCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"

namespace clang::tidy::leakguard {

class LeakguardModule : public ClangTidyModule {
public:
  void addCheckFactories(ClangTidyCheckFactories &Factories) override {
    Factories.registerCheck<AddInsideThreadCheck>("leakguard-add-inside-thread");
    Factories.registerCheck<DeferredReleaseCheck>("leakguard-deferred-release");
    Factories.registerCheck<DetachedThreadCheck>("leakguard-detached-thread");
    Factories.registerCheck<SingleCloserCheck>("leakguard-single-closer");
    Factories.registerCheck<StopAwareBlockingCheck>(
        "leakguard-stop-aware-blocking");
  }
};

} // namespace clang::tidy::leakguard

namespace clang::tidy {

// Registers the module with clang-tidy's registry when the plugin is loaded
// or the static library is linked in.
static ClangTidyModuleRegistry::Add<leakguard::LeakguardModule>
    X("leakguard-module", "Checks for Go-style concurrency discipline.");

// Referenced by the tools to force the linker to keep this object file.
// NOLINTNEXTLINE(misc-use-internal-linkage)
volatile int LeakguardModuleAnchorSource = 0;

} // namespace clang::tidy
