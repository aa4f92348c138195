//===--- Finding.h - one diagnostic, as leakguard's outputs see it --------===//
//
// Plain data, independent of Clang: the analysis (Analyze.cpp) produces it,
// the text and SARIF writers and `confirm` consume it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace leakguard::cli {

struct Location {
  std::string File;  // absolute, normalised path ("" = no location)
  unsigned Line = 0; // 1-based
  unsigned Column = 0; // 1-based, in bytes (as clang prints it)
};

struct Replacement {
  Location Begin, End; // [Begin, End) in File
  std::string Text;
};

struct Note {
  Location Where;
  std::string Message;
};

struct Finding {
  std::string Check;   // "leakguard-single-closer", "clang-diagnostic-error"
  std::string Level;   // "warning" | "error"
  std::string Message;
  Location Where;
  std::vector<Note> Notes;
  std::vector<Replacement> Fix; // the fix-it, if the check offered one
  std::string SourceLine;       // the text of Where's line (for output, fingerprints)

  // Filled in by the driver.
  std::string Fingerprint;      // stable across line moves (see Finding.cpp)
  bool Baselined = false;       // also present in the --baseline file

  bool isCompilerError() const { return Level == "error"; }
};

// Sorted by file, line, column, check; duplicates (a header's finding seen
// from several translation units) removed.
void sortAndDedupe(std::vector<Finding> &Findings);

// Computes Fingerprint for each finding: a hash of the check, the file (as
// `RelPath` renders it), the trimmed source line and the message, plus the
// occurrence number among findings with that same key, so that identical
// lines in one file still get distinct fingerprints. Findings must be sorted.
template <class RelPathFn>
void assignFingerprints(std::vector<Finding> &Findings, RelPathFn RelPath);
std::string fingerprintKey(const std::string &Check, const std::string &RelFile,
                           const std::string &SourceLine, const std::string &Message);
std::string hashHex(const std::string &Text);

template <class RelPathFn>
void assignFingerprints(std::vector<Finding> &Findings, RelPathFn RelPath) {
  std::vector<std::pair<std::string, unsigned>> Seen;
  for (Finding &F : Findings) {
    std::string Key = fingerprintKey(F.Check, RelPath(F.Where.File), F.SourceLine, F.Message);
    unsigned N = 0;
    for (auto &[K, Count] : Seen)
      if (K == Key) {
        N = ++Count;
        break;
      }
    if (N == 0)
      Seen.emplace_back(Key, 0);
    F.Fingerprint = hashHex(Key + "#" + std::to_string(N));
  }
}

} // namespace leakguard::cli
