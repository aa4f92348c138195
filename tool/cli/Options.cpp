//===--- Options.cpp - a small, strict argument parser --------------------===//
//
// Accepts `--name=value`, `--name value`, and for -p / -j also `-pDIR`,
// `-j8`. Anything unknown, missing or malformed is one CliError line.
//
//===----------------------------------------------------------------------===//

#include "Options.h"
#include "Errors.h"

#include <charconv>

namespace leakguard::cli {

const char *const UsageText =
    "usage: leakguard check [-p BUILD_DIR] [-j N] [--sarif FILE] [--baseline FILE]\n"
    "                       [--fail-on=new|any|none] [--shard K/N] [--checks GLOB]\n"
    "                       [--header-filter REGEX] [--root DIR] [--show-baselined]\n"
    "                       [--progress=auto|bar|lines|none] [PATH...]\n"
    "       leakguard confirm --static FINDINGS.sarif --runtime REPORT.json...\n"
    "                       [--sarif FILE] [--fail-on-unpredicted]\n"
    "       leakguard --help | --version\n"
    "\n"
    "check    runs the leakguard checks (and whatever else .clang-tidy enables) over\n"
    "         the translation units of BUILD_DIR/compile_commands.json, in parallel.\n"
    "confirm  marks the static findings that runtime leak reports confirm, and lists\n"
    "         the runtime leaks that no check predicted.\n"
    "\n"
    "exit codes: 0 ok, 1 findings (per --fail-on), 2 bad command line, 3 unusable\n"
    "input, 4 a file could not be analysed, 130 interrupted. See docs/cli.md.\n";

namespace {

class ArgReader {
public:
  explicit ArgReader(const std::vector<std::string> &Args) : Args(Args) {}
  bool done() const { return I >= Args.size(); }
  const std::string &peek() const { return Args[I]; }

  // Matches `--name`, `--name=v` and (for short names) `-nv`; returns the
  // value, taking the next argument when it is not attached.
  bool take(const std::string &Name, std::string &Value, bool Short = false) {
    const std::string &A = Args[I];
    if (A == Name) {
      if (I + 1 >= Args.size())
        throw CliError(ExitUsage, "option '" + Name + "' needs a value");
      Value = Args[I + 1];
      I += 2;
      return true;
    }
    std::string Prefix = Short ? Name : Name + "=";
    if (A.size() > Prefix.size() && A.compare(0, Prefix.size(), Prefix) == 0) {
      Value = A.substr(Prefix.size());
      ++I;
      return true;
    }
    return false;
  }
  bool flag(const std::string &Name) {
    if (Args[I] != Name)
      return false;
    ++I;
    return true;
  }
  std::string next() { return Args[I++]; }

private:
  const std::vector<std::string> &Args;
  std::size_t I = 0;
};

unsigned parseUnsigned(const std::string &S, const std::string &What) {
  unsigned V = 0;
  auto [P, Ec] = std::from_chars(S.data(), S.data() + S.size(), V);
  if (Ec != std::errc() || P != S.data() + S.size() || S.empty())
    throw CliError(ExitUsage, What + " must be a non-negative integer, not '" + S + "'");
  return V;
}

[[noreturn]] void unknown(const std::string &Cmd, const std::string &A) {
  throw CliError(ExitUsage, "unknown option '" + A + "' for 'leakguard " + Cmd +
                                "' (see leakguard --help)");
}

} // namespace

CheckOptions parseCheck(const std::vector<std::string> &Args) {
  CheckOptions O;
  ArgReader R(Args);
  bool OnlyPaths = false;
  std::string V;
  while (!R.done()) {
    if (OnlyPaths || R.peek().empty() || R.peek()[0] != '-' || R.peek() == "-") {
      O.Paths.push_back(R.next());
    } else if (R.flag("--")) {
      OnlyPaths = true;
    } else if (R.take("-p", V, true) || R.take("--build-dir", V)) {
      if (V.empty())
        throw CliError(ExitUsage, "-p needs a build directory");
      O.BuildDir = V;
    } else if (R.take("-j", V, true) || R.take("--jobs", V)) {
      O.Jobs = parseUnsigned(V, "-j");
      if (O.Jobs == 0)
        throw CliError(ExitUsage, "-j must be at least 1");
    } else if (R.take("--sarif", V)) {
      O.Sarif = V;
    } else if (R.take("--baseline", V)) {
      O.Baseline = V;
    } else if (R.take("--fail-on", V)) {
      if (V == "new")
        O.Fail = FailOn::New;
      else if (V == "any")
        O.Fail = FailOn::Any;
      else if (V == "none")
        O.Fail = FailOn::None;
      else
        throw CliError(ExitUsage, "--fail-on must be new, any or none, not '" + V + "'");
    } else if (R.take("--shard", V)) {
      auto Slash = V.find('/');
      if (Slash == std::string::npos)
        throw CliError(ExitUsage, "--shard must be K/N (for example 2/4), not '" + V + "'");
      O.ShardK = parseUnsigned(V.substr(0, Slash), "--shard K");
      O.ShardN = parseUnsigned(V.substr(Slash + 1), "--shard N");
      if (O.ShardN == 0 || O.ShardK == 0 || O.ShardK > O.ShardN)
        throw CliError(ExitUsage, "--shard K/N needs 1 <= K <= N, not '" + V + "'");
    } else if (R.take("--checks", V)) {
      O.Checks = V;
    } else if (R.take("--header-filter", V)) {
      O.HeaderFilter = V;
    } else if (R.take("--root", V)) {
      O.Root = V;
    } else if (R.flag("--show-baselined")) {
      O.ShowBaselined = true;
    } else if (R.take("--progress", V)) {
      if (V == "auto")
        O.Progress = ProgressMode::Auto;
      else if (V == "bar")
        O.Progress = ProgressMode::Bar;
      else if (V == "lines")
        O.Progress = ProgressMode::Lines;
      else if (V == "none")
        O.Progress = ProgressMode::None;
      else
        throw CliError(ExitUsage, "--progress must be auto, bar, lines or none, not '" + V + "'");
    } else if (R.flag("--no-progress")) {
      O.Progress = ProgressMode::None;
    } else {
      unknown("check", R.peek());
    }
  }
  return O;
}

ConfirmOptions parseConfirm(const std::vector<std::string> &Args) {
  ConfirmOptions O;
  ArgReader R(Args);
  std::string V;
  bool InRuntime = false;
  while (!R.done()) {
    if (R.take("--static", V)) {
      O.Static = V;
      InRuntime = false;
    } else if (R.take("--runtime", V)) {
      O.Runtime.push_back(V);
      InRuntime = true;
    } else if (R.take("--sarif", V)) {
      O.Sarif = V;
      InRuntime = false;
    } else if (R.flag("--fail-on-unpredicted")) {
      O.FailOnUnpredicted = true;
    } else if (InRuntime && !R.peek().empty() && R.peek()[0] != '-') {
      O.Runtime.push_back(R.next()); // --runtime a.json b.json ...
    } else if (!R.peek().empty() && R.peek()[0] == '-') {
      unknown("confirm", R.peek());
    } else {
      throw CliError(ExitUsage, "unexpected argument '" + R.peek() +
                                    "' (reports go after --runtime)");
    }
  }
  if (O.Static.empty())
    throw CliError(ExitUsage, "confirm needs --static FINDINGS.sarif");
  if (O.Runtime.empty())
    throw CliError(ExitUsage, "confirm needs --runtime REPORT.json (one or more)");
  return O;
}

} // namespace leakguard::cli
