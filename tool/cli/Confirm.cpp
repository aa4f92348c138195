//===--- Confirm.cpp - `leakguard confirm`: static x runtime --------------===//
//
// A static finding is confirmed when a runtime leak report names the same
// source line (file and line) as the finding's location or one of its notes:
// a leaked thread's blocked-at site (the leakguard operation it is stuck in),
// its started-at site (leakguard::go's call site, or the first user frame
// that created the thread), or the acquire site of a permit never released.
// Runtime leaks that match no finding are listed as not predicted.
//
// Report files: what leak_report::json() writes - one report object, an
// array of them, {"reports": [...]}, or one report per line (JSON lines).
//
//===----------------------------------------------------------------------===//

#include "Commands.h"
#include "Errors.h"
#include "Progress.h"
#include "Sarif.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstdio>
#include <functional>
#include <set>

namespace leakguard::cli {

namespace {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

struct Site {
  std::string Role; // "blocked at", "started at", "permit acquired at"
  Location Where;
};

struct RuntimeLeak {
  std::string Report; // file it came from
  std::string Summary;
  std::vector<Site> Sites;
  bool Predicted = false;
};

std::string canonical(const std::string &File) {
  llvm::SmallString<256> Real;
  if (!llvm::sys::fs::real_path(File, Real))
    return std::string(Real);
  llvm::SmallString<256> P(File);
  llvm::sys::path::remove_dots(P, true);
  return std::string(P);
}

// Same file: equal canonical paths, or - when either side is relative (a
// SARIF without its root, a binary built elsewhere) - one path ends with the
// other at a '/' boundary.
bool sameFile(const std::string &A, const std::string &B) {
  if (A.empty() || B.empty())
    return false;
  std::string CA = canonical(A), CB = canonical(B);
  if (CA == CB)
    return true;
  bool AbsA = llvm::sys::path::is_absolute(CA), AbsB = llvm::sys::path::is_absolute(CB);
  if (AbsA && AbsB)
    return false;
  auto endsWith = [](const std::string &Long, const std::string &Short) {
    return Long.size() > Short.size() &&
           Long.compare(Long.size() - Short.size(), Short.size(), Short) == 0 &&
           Long[Long.size() - Short.size() - 1] == '/';
  };
  return endsWith(CA, CB) || endsWith(CB, CA);
}

bool sameLine(const Location &A, const Location &B) {
  return A.Line && A.Line == B.Line && sameFile(A.File, B.File);
}

std::string str(const Object &O, llvm::StringRef K) { return O.getString(K).value_or("").str(); }

Location siteOf(const Object *O) {
  Location L;
  if (!O)
    return L;
  L.File = str(*O, "file");
  L.Line = static_cast<unsigned>(O->getInteger("line").value_or(0));
  return L;
}

std::string where(const Location &L) {
  return displayPath(L.File) + ":" + std::to_string(L.Line);
}

void readReport(const Object &R, const std::string &File, std::vector<RuntimeLeak> &Out) {
  std::set<std::pair<std::string, unsigned>> PermitSitesOfThreads;
  if (const Array *Threads = R.getArray("threads"))
    for (const Value &TV : *Threads) {
      const Object *T = TV.getAsObject();
      if (!T)
        continue;
      RuntimeLeak L;
      L.Report = File;
      std::string Name = str(*T, "name");
      L.Summary = "thread \"" + Name + "\" (" + str(*T, "kind") + ")";
      if (const Object *B = T->getObject("blocked_on")) {
        Location At = siteOf(B);
        L.Summary += " blocked in " + str(*B, "operation");
        if (At.Line) {
          L.Summary += " at " + where(At);
          L.Sites.push_back({"blocked at", At});
        }
      }
      Location Started = siteOf(T->getObject("started_at"));
      if (Started.Line) {
        L.Summary += ", started at " + where(Started);
        L.Sites.push_back({"started at", Started});
      }
      if (const Array *Ps = T->getArray("permits"))
        for (const Value &PV : *Ps)
          if (const Object *P = PV.getAsObject()) {
            Location At = siteOf(P);
            if (!At.Line)
              continue;
            L.Summary += ", holds a permit of " + str(*P, "object_type") + " acquired at " + where(At);
            L.Sites.push_back({"permit acquired at", At});
            PermitSitesOfThreads.insert({At.File, At.Line});
          }
      Out.push_back(std::move(L));
    }
  if (const Array *Ps = R.getArray("permits"))
    for (const Value &PV : *Ps)
      if (const Object *P = PV.getAsObject()) {
        Location At = siteOf(P);
        if (!At.Line || PermitSitesOfThreads.count({At.File, At.Line}))
          continue; // already listed with its thread
        RuntimeLeak L;
        L.Report = File;
        L.Summary = "permit of " + str(*P, "object_type") + " never released, acquired at " +
                    where(At);
        if (!str(*P, "thread_name").empty())
          L.Summary += " by thread \"" + str(*P, "thread_name") + "\"";
        L.Sites.push_back({"permit acquired at", At});
        Out.push_back(std::move(L));
      }
}

std::vector<RuntimeLeak> readReports(const std::vector<std::string> &Files) {
  std::vector<RuntimeLeak> Leaks;
  for (const std::string &File : Files) {
    auto Buf = llvm::MemoryBuffer::getFile(File);
    if (!Buf)
      throw CliError(ExitInput, "cannot read runtime report '" + File + "': " + Buf.getError().message());
    llvm::StringRef Text = (*Buf)->getBuffer();
    std::vector<Value> Docs;
    if (auto V = llvm::json::parse(Text)) {
      Docs.push_back(std::move(*V));
    } else {
      llvm::consumeError(V.takeError());
      unsigned LineNo = 0;
      for (llvm::StringRef Line : llvm::split(Text, '\n')) {
        ++LineNo;
        if (Line.trim().empty())
          continue;
        auto LV = llvm::json::parse(Line);
        if (!LV)
          throw CliError(ExitInput, "runtime report '" + File + "' is not JSON (line " +
                                        std::to_string(LineNo) + ": " +
                                        llvm::toString(LV.takeError()) + ")");
        Docs.push_back(std::move(*LV));
      }
    }
    std::size_t Before = Leaks.size();
    bool SawReport = false;
    std::function<void(const Value &)> Visit = [&](const Value &V) {
      if (const Array *A = V.getAsArray()) {
        for (const Value &E : *A)
          Visit(E);
      } else if (const Object *O = V.getAsObject()) {
        if (const Array *Rs = O->getArray("reports")) {
          for (const Value &E : *Rs)
            Visit(E);
        } else if (O->get("threads") || O->get("permits")) {
          SawReport = true;
          readReport(*O, File, Leaks);
        }
      }
    };
    for (const Value &D : Docs)
      Visit(D);
    if (!SawReport)
      throw CliError(ExitInput, "'" + File + "' is not a leakguard runtime report (no \"threads\")");
    (void)Before;
  }
  return Leaks;
}

} // namespace

int runConfirm(const ConfirmOptions &Opts) {
  Value Log = readJsonFile(Opts.Static, "static findings");
  std::vector<SarifResult> Static = sarifResults(Log, Opts.Static);
  std::vector<RuntimeLeak> Leaks = readReports(Opts.Runtime);

  std::size_t Confirmed = 0;
  for (SarifResult &S : Static) {
    std::vector<std::string> Evidence;
    std::vector<Location> Mine{S.Where};
    Mine.insert(Mine.end(), S.Related.begin(), S.Related.end());
    for (RuntimeLeak &L : Leaks)
      for (const Site &X : L.Sites)
        if (std::any_of(Mine.begin(), Mine.end(), [&](const Location &M) { return sameLine(M, X.Where); })) {
          L.Predicted = true;
          Evidence.push_back(X.Role + " " + where(X.Where) + ": " + L.Summary + " [" +
                             displayPath(L.Report) + "]");
          break;
        }
    std::string Head = where(S.Where) + (S.Where.Column ? ":" + std::to_string(S.Where.Column) : "") +
                       ": " + S.Message + " [" + S.RuleId + "]";
    if (Evidence.empty()) {
      std::printf("static only  %s\n", Head.c_str());
      continue;
    }
    ++Confirmed;
    std::printf("CONFIRMED    %s\n", Head.c_str());
    Array Props;
    for (const std::string &E : Evidence) {
      std::printf("             runtime: %s\n", E.c_str());
      Props.push_back(E);
    }
    if (S.Raw) {
      Object *P = S.Raw->getObject("properties");
      if (!P) {
        S.Raw->try_emplace("properties", Object{});
        P = S.Raw->getObject("properties");
      }
      (*P)["leakguard/confirmedByRuntime"] = true;
      (*P)["leakguard/runtimeEvidence"] = std::move(Props);
    }
  }
  std::size_t Unpredicted = 0;
  for (const RuntimeLeak &L : Leaks)
    if (!L.Predicted) {
      ++Unpredicted;
      std::printf("NOT PREDICTED %s [%s]\n", L.Summary.c_str(), displayPath(L.Report).c_str());
    }
  std::fprintf(stderr,
               "leakguard confirm: %zu static finding%s, %zu confirmed at run time; %zu runtime "
               "leak%s, %zu not predicted by any check\n",
               Static.size(), Static.size() == 1 ? "" : "s", Confirmed, Leaks.size(),
               Leaks.size() == 1 ? "" : "s", Unpredicted);
  if (Opts.Sarif)
    writeJsonFile(*Opts.Sarif, Log);
  return Opts.FailOnUnpredicted && Unpredicted ? ExitFindings : ExitOk;
}

} // namespace leakguard::cli
