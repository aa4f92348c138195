//===--- Sarif.cpp --------------------------------------------------------===//

#include "Sarif.h"
#include "Errors.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cctype>
#include <map>

#ifndef LEAKGUARD_VERSION
#define LEAKGUARD_VERSION "0.0.0"
#endif

namespace leakguard::cli {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

namespace {

constexpr const char *RootId = "%SRCROOT%";
constexpr const char *FingerprintKey = "leakguard/v1";

std::string percentEncode(llvm::StringRef S) {
  std::string Out;
  for (unsigned char C : S) {
    if (std::isalnum(C) || llvm::StringRef("-._~/").contains(C)) {
      Out += static_cast<char>(C);
    } else {
      static const char *Hex = "0123456789ABCDEF";
      Out += '%';
      Out += Hex[C >> 4];
      Out += Hex[C & 15];
    }
  }
  return Out;
}

std::string percentDecode(llvm::StringRef S) {
  std::string Out;
  for (std::size_t I = 0; I < S.size(); ++I) {
    unsigned V;
    if (S[I] == '%' && I + 2 < S.size() && !S.substr(I + 1, 2).getAsInteger(16, V)) {
      Out += static_cast<char>(V);
      I += 2;
    } else {
      Out += S[I];
    }
  }
  return Out;
}

// SARIF columns count Unicode code points ("unicodeCodePoints" below);
// clang's count bytes. Convert when the line's text is known.
unsigned codePointColumn(unsigned ByteColumn, const std::string &Line) {
  if (Line.empty() || ByteColumn == 0)
    return ByteColumn;
  unsigned Col = 1;
  for (std::size_t I = 0; I + 1 < ByteColumn && I < Line.size(); ++I)
    if ((static_cast<unsigned char>(Line[I]) & 0xC0) != 0x80)
      ++Col;
  if (ByteColumn > Line.size() + 1)
    Col += ByteColumn - static_cast<unsigned>(Line.size()) - 1;
  return Col;
}

Object artifact(const std::string &File, const std::string &Root) {
  bool Relative = false;
  std::string Uri = fileUri(File, Root, Relative);
  Object A{{"uri", Uri}};
  if (Relative)
    A["uriBaseId"] = RootId;
  return A;
}

Object region(const Location &L, const std::string &Line) {
  Object R{{"startLine", static_cast<int64_t>(L.Line)}};
  if (L.Column)
    R["startColumn"] = static_cast<int64_t>(codePointColumn(L.Column, Line));
  return R;
}

Object physical(const Location &L, const std::string &Root, const std::string &Line) {
  Object P{{"artifactLocation", artifact(L.File, Root)}};
  if (L.Line)
    P["region"] = region(L, Line);
  return P;
}

std::string ruleText(const std::string &Check) {
  if (llvm::StringRef(Check).starts_with("leakguard-"))
    return "leakguard check " + Check + ": see docs/checks/" + Check + ".md";
  return "clang-tidy check " + Check;
}

} // namespace

std::string fileUri(const std::string &File, const std::string &Root, bool &Relative) {
  llvm::StringRef F(File), R(Root);
  Relative = false;
  if (!R.empty()) {
    std::string Dir = R.ends_with("/") ? R.str() : R.str() + "/";
    if (F.starts_with(Dir)) {
      Relative = true;
      return percentEncode(F.drop_front(Dir.size()));
    }
  }
  return "file://" + percentEncode(F);
}

Value makeSarif(const std::vector<Finding> &Findings, const SarifRunInfo &Info) {
  std::map<std::string, std::size_t> RuleIndex;
  Array Rules;
  auto ruleFor = [&](const std::string &Check) {
    auto [It, New] = RuleIndex.try_emplace(Check, RuleIndex.size());
    if (New)
      Rules.push_back(Object{{"id", Check},
                             {"shortDescription", Object{{"text", ruleText(Check)}}},
                             {"defaultConfiguration", Object{{"level", "warning"}}}});
    return It->second;
  };

  Array Results;
  for (const Finding &F : Findings) {
    if (F.isCompilerError())
      continue; // reported as tool execution notifications below
    Object Res{{"ruleId", F.Check},
               {"ruleIndex", static_cast<int64_t>(ruleFor(F.Check))},
               {"level", F.Level == "error" ? "error" : "warning"},
               {"message", Object{{"text", F.Message}}}};
    if (!F.Where.File.empty())
      Res["locations"] = Array{Object{{"physicalLocation", physical(F.Where, Info.Root, F.SourceLine)}}};
    Array Related;
    for (std::size_t I = 0; I < F.Notes.size(); ++I) {
      const Note &N = F.Notes[I];
      if (N.Where.File.empty())
        continue;
      Related.push_back(Object{{"id", static_cast<int64_t>(I)},
                               {"message", Object{{"text", N.Message}}},
                               {"physicalLocation", physical(N.Where, Info.Root, "")}});
    }
    if (!Related.empty())
      Res["relatedLocations"] = std::move(Related);
    if (!F.Fix.empty()) {
      std::map<std::string, Array> ByFile;
      for (const Replacement &R : F.Fix) {
        const std::string &Line = R.Begin.Line == F.Where.Line ? F.SourceLine : std::string();
        Object Deleted{{"startLine", static_cast<int64_t>(R.Begin.Line)},
                       {"startColumn", static_cast<int64_t>(codePointColumn(R.Begin.Column, Line))},
                       {"endLine", static_cast<int64_t>(R.End.Line)},
                       {"endColumn", static_cast<int64_t>(codePointColumn(
                                         R.End.Column, R.End.Line == F.Where.Line ? F.SourceLine : ""))}};
        ByFile[R.Begin.File].push_back(
            Object{{"deletedRegion", std::move(Deleted)}, {"insertedContent", Object{{"text", R.Text}}}});
      }
      Array Changes;
      for (auto &[File, Reps] : ByFile)
        Changes.push_back(Object{{"artifactLocation", artifact(File, Info.Root)}, {"replacements", std::move(Reps)}});
      Res["fixes"] = Array{Object{{"description", Object{{"text", "apply the fix-it of " + F.Check}}},
                                  {"artifactChanges", std::move(Changes)}}};
    }
    if (!F.Fingerprint.empty())
      Res["partialFingerprints"] = Object{{FingerprintKey, F.Fingerprint}};
    if (Info.WithBaseline)
      Res["baselineState"] = F.Baselined ? "unchanged" : "new";
    Results.push_back(std::move(Res));
  }

  Array Notifications;
  for (const UnitResult &U : Info.Failed) {
    Object N{{"level", "error"},
             {"message", Object{{"text", U.File + ": not analysed: " + U.FailureReason}}},
             {"locations", Array{Object{{"physicalLocation", Object{{"artifactLocation", artifact(U.File, Info.Root)}}}}}}};
    Notifications.push_back(std::move(N));
  }
  if (Info.Interrupted)
    Notifications.push_back(Object{{"level", "warning"},
                                   {"message", Object{{"text", "interrupted: results are partial"}}}});

  std::string RootUri = "file://" + percentEncode(Info.Root);
  if (!llvm::StringRef(RootUri).ends_with("/"))
    RootUri += "/";
  Object Run{
      {"tool", Object{{"driver", Object{{"name", "leakguard"},
                                        {"version", LEAKGUARD_VERSION},
                                        {"semanticVersion", LEAKGUARD_VERSION},
                                        {"rules", std::move(Rules)}}}}},
      {"originalUriBaseIds", Object{{RootId, Object{{"uri", RootUri}}}}},
      {"columnKind", "unicodeCodePoints"},
      {"results", std::move(Results)},
      {"invocations", Array{Object{{"executionSuccessful", Info.Failed.empty() && !Info.Interrupted},
                                   {"toolExecutionNotifications", std::move(Notifications)}}}}};
  if (Info.Shard)
    Run["automationDetails"] = Object{
        {"id", "leakguard/shard-" + std::to_string(Info.Shard->first) + "-of-" +
                   std::to_string(Info.Shard->second) + "/"}};
  return Object{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                {"version", "2.1.0"},
                {"runs", Array{std::move(Run)}}};
}

void writeJsonFile(const std::string &Path, const Value &V) {
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC, llvm::sys::fs::OF_Text);
  if (EC)
    throw CliError(ExitInput, "cannot write '" + Path + "': " + EC.message());
  OS << llvm::formatv("{0:2}", V) << "\n";
  OS.close();
  if (OS.has_error())
    throw CliError(ExitInput, "cannot write '" + Path + "': " + OS.error().message());
}

Value readJsonFile(const std::string &Path, const std::string &What) {
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  if (!Buf)
    throw CliError(ExitInput, "cannot read " + What + " '" + Path + "': " + Buf.getError().message());
  auto V = llvm::json::parse((*Buf)->getBuffer());
  if (!V) {
    std::string Msg = llvm::toString(V.takeError());
    throw CliError(ExitInput, What + " '" + Path + "' is not valid JSON: " + Msg);
  }
  return std::move(*V);
}

std::vector<SarifResult> sarifResults(Value &Log, const std::string &Path) {
  Object *Top = Log.getAsObject();
  Array *Runs = Top ? Top->getArray("runs") : nullptr;
  if (!Top || !Runs || Top->getString("version").value_or("") != "2.1.0")
    throw CliError(ExitInput, "'" + Path + "' is not a SARIF 2.1.0 log");
  std::vector<SarifResult> Out;
  for (Value &RunV : *Runs) {
    Object *Run = RunV.getAsObject();
    if (!Run)
      continue;
    std::map<std::string, std::string> Bases;
    if (Object *B = Run->getObject("originalUriBaseIds"))
      for (auto &[K, V] : *B)
        if (Object *O = V.getAsObject())
          if (auto U = O->getString("uri"))
            Bases[K.str()] = percentDecode(U->str());
    auto loc = [&](const Object *Phys) {
      Location L;
      if (!Phys)
        return L;
      if (const Object *A = Phys->getObject("artifactLocation")) {
        std::string Uri = percentDecode(A->getString("uri").value_or("").str());
        if (auto Base = A->getString("uriBaseId"); Base && Bases.count(Base->str()))
          Uri = Bases[Base->str()] + Uri;
        if (llvm::StringRef(Uri).starts_with("file://"))
          Uri = Uri.substr(7);
        L.File = Uri;
      }
      if (const Object *R = Phys->getObject("region")) {
        L.Line = static_cast<unsigned>(R->getInteger("startLine").value_or(0));
        L.Column = static_cast<unsigned>(R->getInteger("startColumn").value_or(0));
      }
      return L;
    };
    Array *Results = Run->getArray("results");
    if (!Results)
      continue;
    for (Value &ResV : *Results) {
      Object *Res = ResV.getAsObject();
      if (!Res)
        continue;
      SarifResult S;
      S.Raw = Res;
      S.RuleId = Res->getString("ruleId").value_or("").str();
      S.Level = Res->getString("level").value_or("warning").str();
      if (const Object *M = Res->getObject("message"))
        S.Message = M->getString("text").value_or("").str();
      if (const Object *FP = Res->getObject("partialFingerprints"))
        S.Fingerprint = FP->getString(FingerprintKey).value_or("").str();
      if (const Array *Locs = Res->getArray("locations"))
        if (!Locs->empty())
          if (const Object *L0 = (*Locs)[0].getAsObject())
            S.Where = loc(L0->getObject("physicalLocation"));
      if (const Array *Rel = Res->getArray("relatedLocations"))
        for (const Value &RV : *Rel)
          if (const Object *RO = RV.getAsObject())
            S.Related.push_back(loc(RO->getObject("physicalLocation")));
      Out.push_back(std::move(S));
    }
  }
  return Out;
}

} // namespace leakguard::cli
