//===--- Commands.h - the `leakguard` subcommands -------------------------===//
#pragma once

#include "Options.h"

namespace leakguard::cli {

// Each returns the process exit code (see Errors.h) or throws CliError.
int runCheck(const CheckOptions &Opts);
int runConfirm(const ConfirmOptions &Opts);

} // namespace leakguard::cli
