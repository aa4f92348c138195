//===--- Check.cpp - `leakguard check` ------------------------------------===//
//
// Shape of a run, in leakguard's own patterns:
//
//   signal_context sig({SIGINT, SIGTERM})        Ctrl-C cancels everything below
//   task_group g(sig)
//     task "analyse": worker_pool(g.context(), -j) gets one job per unit;
//                     shutdown() waits for them (or, once cancelled, only for
//                     the units in flight: queued ones are dropped)
//     task "progress": redraws the bar until "analyse" is done (TTY only)
//   g.wait()                                     every thread joined here
//
// Results land in a slot per unit, so an interrupted run still reports (and
// writes SARIF for) every unit that finished.
//
//===----------------------------------------------------------------------===//

#include "Analyze.h"
#include "Commands.h"
#include "Errors.h"
#include "Finding.h"
#include "Progress.h"
#include "Sarif.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <leakguard/context.hpp>
#include <leakguard/defer.hpp>
#include <leakguard/signal_context.hpp>
#include <leakguard/sleep.hpp>
#include <leakguard/task_group.hpp>
#include <leakguard/worker_pool.hpp>

#include <csignal>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace leakguard::cli {

namespace {

std::string absoluteDir(const std::string &Dir) {
  llvm::SmallString<256> P(Dir.empty() ? "." : Dir);
  llvm::sys::fs::make_absolute(P);
  llvm::sys::path::remove_dots(P, true);
  llvm::SmallString<256> Real;
  if (!llvm::sys::fs::real_path(P, Real))
    return std::string(Real);
  return std::string(P);
}

std::string findBuildDir(const std::string &Given) {
  if (!Given.empty())
    return Given;
  for (const char *Candidate : {".", "build"})
    if (llvm::sys::fs::exists(std::string(Candidate) + "/compile_commands.json"))
      return Candidate;
  throw CliError(ExitInput, "no -p BUILD_DIR given and no compile_commands.json in . or ./build");
}

std::string rootRelative(const std::string &File, const std::string &Root) {
  bool Relative;
  return fileUri(File, Root, Relative);
}

void printFinding(const Finding &F, bool Baselined) {
  std::string Path = F.Where.File.empty() ? "leakguard" : F.Where.File;
  if (F.Where.Line)
    std::printf("%s:%u:%u: %s: %s [%s]%s\n", Path.c_str(), F.Where.Line, F.Where.Column,
                F.Level.c_str(), F.Message.c_str(), F.Check.c_str(),
                Baselined ? " (in baseline)" : "");
  else
    std::printf("%s: %s: %s [%s]\n", Path.c_str(), F.Level.c_str(), F.Message.c_str(),
                F.Check.c_str());
  if (F.Where.Line && !F.SourceLine.empty()) {
    std::string Num = std::to_string(F.Where.Line);
    std::printf(" %5s | %s\n", Num.c_str(), F.SourceLine.c_str());
    std::string Caret;
    for (unsigned I = 1; I < F.Where.Column && I <= F.SourceLine.size(); ++I)
      Caret += F.SourceLine[I - 1] == '\t' ? '\t' : ' ';
    std::printf(" %5s | %s^\n", "", Caret.c_str());
  }
  for (const Note &N : F.Notes) {
    if (N.Where.Line)
      std::printf("%s:%u:%u: note: %s\n", N.Where.File.c_str(), N.Where.Line, N.Where.Column,
                  N.Message.c_str());
    else
      std::printf("note: %s\n", N.Message.c_str());
  }
}

// Fingerprints of a baseline SARIF, as a multiset.
std::map<std::string, unsigned> readBaseline(const std::string &Path) {
  llvm::json::Value Log = readJsonFile(Path, "baseline");
  std::map<std::string, unsigned> Prints;
  for (const SarifResult &R : sarifResults(Log, Path)) {
    if (R.Fingerprint.empty())
      throw CliError(ExitInput, "baseline '" + Path +
                                    "' has a result without a leakguard fingerprint; make "
                                    "baselines with `leakguard check --sarif FILE`");
    ++Prints[R.Fingerprint];
  }
  return Prints;
}

std::size_t threadsInProcess() {
  std::error_code EC;
  std::size_t N = 0;
  for (llvm::sys::fs::directory_iterator It("/proc/self/task", EC), End; It != End && !EC;
       It.increment(EC))
    ++N;
  return N;
}

} // namespace

int runCheck(const CheckOptions &Opts) {
  const std::string BuildDir = findBuildDir(Opts.BuildDir);
  std::vector<TranslationUnit> Units = loadCompilationDatabase(BuildDir);
  Units = selectPaths(std::move(Units), Opts.Paths);
  Units = selectShard(std::move(Units), Opts.ShardK, Opts.ShardN);
  const std::string Root = absoluteDir(Opts.Root);
  std::optional<std::map<std::string, unsigned>> Baseline;
  if (Opts.Baseline)
    Baseline = readBaseline(*Opts.Baseline);

  AnalysisOptions AOpts;
  AOpts.Checks = Opts.Checks;
  AOpts.HeaderFilter = Opts.HeaderFilter;
#ifdef LEAKGUARD_CLANG_RESOURCE_DIR
  if (llvm::sys::fs::is_directory(LEAKGUARD_CLANG_RESOURCE_DIR))
    AOpts.ResourceDir = LEAKGUARD_CLANG_RESOURCE_DIR;
#endif
  const unsigned Jobs =
      Opts.Jobs ? Opts.Jobs : std::max(1u, std::thread::hardware_concurrency());

  std::vector<std::optional<UnitResult>> Slots(Units.size());
  Progress Bar(Units.size(), Opts.Progress);
  int Signal = 0;
  {
    leakguard::signal_context Sig({SIGINT, SIGTERM});
    leakguard::task_group Group(Sig.context());
    auto [AnalysisDone, MarkAnalysisDone] = leakguard::with_cancel(Group.context());
    Group.go([&, MarkDone = MarkAnalysisDone] {
      leakguard::defer Finally([&] { MarkDone(); });
      leakguard::worker_pool Pool(Group.context(), std::min<std::size_t>(Jobs, std::max<std::size_t>(Units.size(), 1)),
                                  Units.size());
      for (std::size_t I = 0; I < Units.size(); ++I)
        Pool.submit([&, I](std::stop_token St) {
          if (St.stop_requested())
            return;
          Bar.started(Units[I].File);
          UnitResult R = analyzeUnit(Units[I], AOpts);
          Bar.finished(R.File, R.Findings.size(), R.Failed, R.Seconds);
          Slots[I] = std::move(R);
        });
      Pool.shutdown();
    });
    if (Bar.isBar())
      Group.go([&, Done = AnalysisDone] {
        while (!Done.done()) {
          Bar.redraw();
          leakguard::sleep_for(std::chrono::milliseconds(250), Done.token());
        }
      });
    Group.wait();
    Signal = Sig.signal();
  }
  Bar.clear();

  // Collect what finished.
  std::vector<Finding> Findings;
  std::vector<UnitResult> Failed;
  std::size_t Analysed = 0;
  for (std::optional<UnitResult> &S : Slots) {
    if (!S)
      continue;
    ++Analysed;
    for (Finding &F : S->Findings)
      Findings.push_back(std::move(F));
    if (S->Failed) {
      S->Findings.clear();
      Failed.push_back(std::move(*S));
    }
  }
  sortAndDedupe(Findings);
  assignFingerprints(Findings, [&](const std::string &F) { return rootRelative(F, Root); });
  std::size_t New = 0, Old = 0, Errors = 0;
  for (Finding &F : Findings) {
    if (F.isCompilerError()) {
      ++Errors;
      continue;
    }
    if (Baseline) {
      auto It = Baseline->find(F.Fingerprint);
      if (It != Baseline->end() && It->second > 0) {
        --It->second;
        F.Baselined = true;
      }
    }
    (F.Baselined ? Old : New)++;
  }

  for (const Finding &F : Findings)
    if (!F.Baselined || Opts.ShowBaselined)
      printFinding(F, F.Baselined);
  std::fflush(stdout);

  if (Opts.Sarif) {
    SarifRunInfo Info;
    Info.Root = Root;
    Info.Failed = Failed;
    Info.Interrupted = Signal != 0;
    Info.WithBaseline = Baseline.has_value();
    if (Opts.ShardN > 1)
      Info.Shard = std::make_pair(Opts.ShardK, Opts.ShardN);
    writeJsonFile(*Opts.Sarif, makeSarif(Findings, Info));
  }

  std::string Summary = "leakguard: " + std::to_string(New + Old) + " finding" +
                        (New + Old == 1 ? "" : "s");
  if (Baseline)
    Summary += " (" + std::to_string(New) + " new, " + std::to_string(Old) + " in baseline)";
  Summary += " in " + std::to_string(Analysed) + " of " + std::to_string(Units.size()) + " file" +
             (Units.size() == 1 ? "" : "s");
  if (Opts.ShardN > 1)
    Summary += " (shard " + std::to_string(Opts.ShardK) + "/" + std::to_string(Opts.ShardN) + ")";
  std::fprintf(stderr, "%s\n", Summary.c_str());
  for (const UnitResult &U : Failed)
    std::fprintf(stderr, "leakguard: %s: not analysed: %s\n", displayPath(U.File).c_str(),
                 U.FailureReason.c_str());
  if (Signal)
    std::fprintf(stderr, "leakguard: interrupted by signal %d: results are partial (%zu of %zu files)\n",
                 Signal, Analysed, Units.size());
  if (std::getenv("LEAKGUARD_CLI_REPORT_THREADS"))
    std::fprintf(stderr, "leakguard: threads at exit: %zu\n", threadsInProcess());

  (void)Errors;
  if (Signal)
    return ExitInterrupted;
  if (!Failed.empty())
    return ExitAnalysis;
  switch (Opts.Fail) {
  case FailOn::New:
    return New ? ExitFindings : ExitOk;
  case FailOn::Any:
    return New + Old ? ExitFindings : ExitOk;
  case FailOn::None:
    return ExitOk;
  }
  return ExitOk;
}

} // namespace leakguard::cli
