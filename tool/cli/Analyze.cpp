//===--- Analyze.cpp - clang-tidy + leakguard, in-process, per unit -------===//

#include "Analyze.h"
#include "Errors.h"

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyOptions.h"
#include "clang/Tooling/Core/Diagnostic.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <algorithm>
#include <chrono>
#include <map>

namespace leakguard::cli {

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;
using clang::tooling::CompileCommand;

namespace {

std::string normalize(llvm::StringRef File, llvm::StringRef Base) {
  llvm::SmallString<256> P(File);
  if (!path::is_absolute(P) && !Base.empty()) {
    llvm::SmallString<256> Abs(Base);
    path::append(Abs, P);
    P = Abs;
  }
  fs::make_absolute(P);
  path::remove_dots(P, /*remove_dot_dot=*/true);
  llvm::SmallString<256> Real;
  if (!fs::real_path(P, Real))
    return std::string(Real);
  return std::string(P);
}

bool under(llvm::StringRef File, llvm::StringRef Dir) {
  if (File == Dir)
    return true;
  return File.starts_with(Dir) &&
         (Dir.ends_with("/") || (File.size() > Dir.size() && File[Dir.size()] == '/'));
}

// A compilation database holding exactly one unit's commands, so that no
// state is shared between the threads analysing different units.
class UnitDatabase : public clang::tooling::CompilationDatabase {
public:
  UnitDatabase(const TranslationUnit &U, const std::string &ResourceDir)
      : File(U.File), Commands(U.Commands) {
    if (ResourceDir.empty())
      return;
    for (CompileCommand &C : Commands) {
      bool Has = std::any_of(C.CommandLine.begin(), C.CommandLine.end(),
                             [](const std::string &A) { return llvm::StringRef(A).starts_with("-resource-dir"); });
      if (!Has && !C.CommandLine.empty())
        C.CommandLine.insert(C.CommandLine.begin() + 1, "-resource-dir=" + ResourceDir);
    }
  }
  std::vector<CompileCommand> getCompileCommands(llvm::StringRef) const override { return Commands; }
  std::vector<std::string> getAllFiles() const override { return {File}; }
  std::vector<CompileCommand> getAllCompileCommands() const override { return Commands; }

private:
  std::string File;
  std::vector<CompileCommand> Commands;
};

// leakguard's checks always run: they lead the check list, and a bare "-*" in
// a .clang-tidy (which would switch them off with everything else) is
// dropped, while "-leakguard-..." still disables one by name. --checks, on the
// command line, is applied last and may do anything.
class LeakguardOptionsProvider : public clang::tidy::FileOptionsProvider {
public:
  using FileOptionsProvider::FileOptionsProvider;

  std::vector<OptionsSource> getRawOptions(llvm::StringRef FileName) override {
    std::vector<OptionsSource> Sources = FileOptionsProvider::getRawOptions(FileName);
    for (OptionsSource &S : Sources) {
      if (S.second == OptionsSourceTypeDefaultBinary ||
          S.second == OptionsSourceTypeCheckCommandLineOption || !S.first.Checks)
        continue;
      S.first.Checks = withoutDisableAll(*S.first.Checks);
    }
    return Sources;
  }

private:
  static std::string withoutDisableAll(llvm::StringRef Checks) {
    std::string Out;
    llvm::SmallVector<llvm::StringRef> Parts;
    Checks.split(Parts, ',', -1, false);
    for (llvm::StringRef Part : Parts)
      for (llvm::StringRef Line : llvm::split(Part, '\n')) {
        Line = Line.trim();
        if (Line.empty() || Line == "-*")
          continue;
        if (!Out.empty())
          Out += ',';
        Out += Line.str();
      }
    return Out;
  }
};

// Offsets to line:column, reading each file once per unit.
class SourceFiles {
public:
  Location locate(const std::string &File, unsigned Offset) {
    Location L{File, 0, 0};
    const Text *T = get(File);
    if (!T)
      return L;
    auto It = std::upper_bound(T->LineStarts.begin(), T->LineStarts.end(), Offset);
    unsigned Line = static_cast<unsigned>(It - T->LineStarts.begin());
    L.Line = Line;
    L.Column = Offset - T->LineStarts[Line - 1] + 1;
    return L;
  }

  std::string line(const Location &L) {
    const Text *T = get(L.File);
    if (!T || L.Line == 0 || L.Line > T->LineStarts.size())
      return "";
    llvm::StringRef Buf = T->Buffer->getBuffer();
    std::size_t B = T->LineStarts[L.Line - 1];
    std::size_t E = Buf.find('\n', B);
    llvm::StringRef S = Buf.slice(B, E == llvm::StringRef::npos ? Buf.size() : E);
    return S.rtrim("\r").str();
  }

private:
  struct Text {
    std::unique_ptr<llvm::MemoryBuffer> Buffer;
    std::vector<unsigned> LineStarts;
  };
  const Text *get(const std::string &File) {
    if (File.empty())
      return nullptr;
    auto [It, New] = Files.try_emplace(File);
    if (New) {
      auto Buf = llvm::MemoryBuffer::getFile(File);
      if (Buf) {
        It->second.Buffer = std::move(*Buf);
        llvm::StringRef S = It->second.Buffer->getBuffer();
        It->second.LineStarts.push_back(0);
        for (std::size_t I = 0; I < S.size(); ++I)
          if (S[I] == '\n')
            It->second.LineStarts.push_back(static_cast<unsigned>(I + 1));
      }
    }
    return It->second.Buffer ? &It->second : nullptr;
  }
  std::map<std::string, Text> Files;
};

Finding convert(const clang::tidy::ClangTidyError &E, SourceFiles &Sources) {
  auto Where = [&](const clang::tooling::DiagnosticMessage &M) {
    if (M.FilePath.empty())
      return Location{};
    return Sources.locate(normalize(M.FilePath, E.BuildDirectory), M.FileOffset);
  };
  Finding F;
  F.Check = E.DiagnosticName;
  F.Level = E.DiagLevel == clang::tooling::Diagnostic::Error ? "error" : "warning";
  F.Message = E.Message.Message;
  F.Where = Where(E.Message);
  F.SourceLine = Sources.line(F.Where);
  for (const clang::tooling::DiagnosticMessage &N : E.Notes)
    F.Notes.push_back({Where(N), N.Message});
  if (const llvm::StringMap<clang::tooling::Replacements> *Fix = clang::tooling::selectFirstFix(E))
    for (const auto &Entry : *Fix)
      for (const clang::tooling::Replacement &R : Entry.getValue()) {
        std::string File = normalize(R.getFilePath(), E.BuildDirectory);
        F.Fix.push_back({Sources.locate(File, R.getOffset()),
                         Sources.locate(File, R.getOffset() + R.getLength()),
                         R.getReplacementText().str()});
      }
  return F;
}

// Every option a leakguard check reads (the module's checks, instantiated
// once with their defaults).
const llvm::StringSet<> &knownLeakguardOptions() {
  static const llvm::StringSet<> Known = [] {
    llvm::StringSet<> Out;
    for (const auto &Entry : clang::tidy::getAllChecksAndOptions().Options)
      if (Entry.getKey().starts_with("leakguard-"))
        Out.insert(Entry.getKey());
    return Out;
  }();
  return Known;
}

// clang-tidy ignores a check option nobody reads (only its --verify-config
// says so), so a misspelt leakguard option would leave its check on the
// defaults without a word. One configuration warning per unknown name, with
// the closest known one when it is a likely typo.
std::vector<Finding> unknownLeakguardOptions(const clang::tidy::ClangTidyOptions &Options) {
  std::vector<Finding> Out;
  const llvm::StringSet<> &Known = knownLeakguardOptions();
  for (const auto &Entry : Options.CheckOptions) {
    llvm::StringRef Name = Entry.getKey();
    if (!Name.starts_with("leakguard-") || Known.contains(Name))
      continue;
    llvm::StringRef Closest;
    unsigned Best = 4; // a typo is at most three edits away
    for (const auto &K : Known) {
      unsigned D = Name.edit_distance(K.getKey(), /*AllowReplacements=*/true, Best);
      if (D < Best) {
        Best = D;
        Closest = K.getKey();
      }
    }
    Finding F;
    F.Check = "clang-tidy-config";
    F.Level = "warning";
    F.Message = "unknown check option '" + Name.str() + "'";
    if (!Closest.empty())
      F.Message += "; did you mean '" + Closest.str() + "'";
    Out.push_back(std::move(F));
  }
  return Out;
}

} // namespace

void initializeAnalysis() { llvm::CrashRecoveryContext::Enable(); }

std::vector<TranslationUnit> loadCompilationDatabase(const std::string &BuildDir) {
  if (!fs::is_directory(BuildDir))
    throw CliError(ExitInput, "build directory '" + BuildDir + "' does not exist");
  llvm::SmallString<256> DbPath(BuildDir);
  path::append(DbPath, "compile_commands.json");
  if (!fs::exists(DbPath))
    throw CliError(ExitInput, "no compile_commands.json in '" + BuildDir +
                                  "' (configure it with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)");
  std::string Error;
  auto Db = clang::tooling::JSONCompilationDatabase::loadFromFile(
      DbPath, Error, clang::tooling::JSONCommandLineSyntax::AutoDetect);
  if (!Db) {
    llvm::StringRef Msg(Error);
    Msg = Msg.take_until([](char C) { return C == '\n'; });
    throw CliError(ExitInput, std::string(DbPath) + " is not a valid compilation database: " +
                                  (Msg.empty() ? "cannot parse it" : Msg.str()));
  }
  std::map<std::string, TranslationUnit> ByFile;
  for (CompileCommand &C : Db->getAllCompileCommands()) {
    std::string File = normalize(C.Filename, C.Directory);
    TranslationUnit &U = ByFile[File];
    U.File = File;
    U.Commands.push_back(std::move(C));
  }
  if (ByFile.empty())
    throw CliError(ExitInput, std::string(DbPath) + " lists no translation units");
  std::vector<TranslationUnit> Units;
  for (auto &[File, U] : ByFile)
    Units.push_back(std::move(U));
  return Units;
}

std::vector<TranslationUnit> selectPaths(std::vector<TranslationUnit> Units,
                                         const std::vector<std::string> &Paths) {
  if (Paths.empty())
    return Units;
  std::vector<bool> Keep(Units.size(), false);
  for (const std::string &P : Paths) {
    if (!fs::exists(P))
      throw CliError(ExitInput, "no such file or directory: '" + P + "'");
    std::string Abs = normalize(P, "");
    bool Any = false;
    for (std::size_t I = 0; I < Units.size(); ++I)
      if (under(Units[I].File, Abs))
        Keep[I] = Any = true;
    if (!Any)
      throw CliError(ExitInput, "'" + P + "' has no translation unit in compile_commands.json");
  }
  std::vector<TranslationUnit> Out;
  for (std::size_t I = 0; I < Units.size(); ++I)
    if (Keep[I])
      Out.push_back(std::move(Units[I]));
  return Out;
}

std::vector<TranslationUnit> selectShard(std::vector<TranslationUnit> Units, unsigned K,
                                         unsigned N) {
  std::sort(Units.begin(), Units.end(),
            [](const TranslationUnit &A, const TranslationUnit &B) { return A.File < B.File; });
  std::vector<TranslationUnit> Out;
  for (std::size_t I = 0; I < Units.size(); ++I)
    if (I % N == K - 1)
      Out.push_back(std::move(Units[I]));
  return Out;
}

UnitResult analyzeUnit(const TranslationUnit &Unit, const AnalysisOptions &Opts) {
  const auto Start = std::chrono::steady_clock::now();
  UnitResult R;
  R.File = Unit.File;

  clang::tidy::ClangTidyOptions Defaults = clang::tidy::ClangTidyOptions::getDefaults();
  Defaults.Checks = "-*,leakguard-*";
  clang::tidy::ClangTidyOptions Overrides;
  if (Opts.Checks)
    Overrides.Checks = *Opts.Checks;
  if (Opts.HeaderFilter)
    Overrides.HeaderFilterRegex = *Opts.HeaderFilter;

  // A physical file system of this unit's own: its working directory is not
  // the process's, so units in other threads cannot move it.
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS(llvm::vfs::createPhysicalFileSystem().release());
  auto Overlay = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(FS);
  clang::tidy::ClangTidyContext Context(std::make_unique<LeakguardOptionsProvider>(
      clang::tidy::ClangTidyGlobalOptions(), Defaults, Overrides, FS));
  UnitDatabase Db(Unit, Opts.ResourceDir);
  R.Findings = unknownLeakguardOptions(Context.getOptionsForFile(Unit.File));

  std::vector<clang::tidy::ClangTidyError> Errors;
  llvm::CrashRecoveryContext CRC;
  bool Survived = CRC.RunSafely([&] {
    Errors = clang::tidy::runClangTidy(Context, Db, {Unit.File}, Overlay,
                                       /*ApplyAnyFix=*/false);
  });

  SourceFiles Sources;
  for (const clang::tidy::ClangTidyError &E : Errors) {
    Finding F = convert(E, Sources);
    if (F.isCompilerError() && !R.Failed) {
      R.Failed = true;
      R.FailureReason = "compile error: " + F.Message;
    }
    R.Findings.push_back(std::move(F));
  }
  if (!Survived) {
    R.Failed = true;
    R.FailureReason = "clang crashed while analysing it";
  }
  R.Seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count();
  return R;
}

} // namespace leakguard::cli
