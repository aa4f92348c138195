//===--- Finding.cpp ------------------------------------------------------===//

#include "Finding.h"

#include <algorithm>
#include <tuple>

namespace leakguard::cli {

namespace {
auto key(const Finding &F) {
  return std::tie(F.Where.File, F.Where.Line, F.Where.Column, F.Check, F.Message);
}

std::string trim(const std::string &S) {
  const char *WS = " \t\r\n";
  std::size_t B = S.find_first_not_of(WS);
  if (B == std::string::npos)
    return "";
  return S.substr(B, S.find_last_not_of(WS) - B + 1);
}
} // namespace

void sortAndDedupe(std::vector<Finding> &Findings) {
  std::stable_sort(Findings.begin(), Findings.end(),
                   [](const Finding &A, const Finding &B) { return key(A) < key(B); });
  Findings.erase(std::unique(Findings.begin(), Findings.end(),
                             [](const Finding &A, const Finding &B) { return key(A) == key(B); }),
                 Findings.end());
}

std::string fingerprintKey(const std::string &Check, const std::string &RelFile,
                           const std::string &SourceLine, const std::string &Message) {
  std::string K;
  for (const std::string *Part : {&Check, &RelFile, &Message}) {
    K += *Part;
    K += '\x1f';
  }
  K += trim(SourceLine);
  return K;
}

// 64-bit FNV-1a: stable across platforms and runs (std::hash is not).
std::string hashHex(const std::string &Text) {
  std::uint64_t H = 0xcbf29ce484222325ULL;
  for (unsigned char C : Text) {
    H ^= C;
    H *= 0x100000001b3ULL;
  }
  static const char *Digits = "0123456789abcdef";
  std::string Out(16, '0');
  for (int I = 15; I >= 0; --I, H >>= 4)
    Out[I] = Digits[H & 0xf];
  return Out;
}

} // namespace leakguard::cli
