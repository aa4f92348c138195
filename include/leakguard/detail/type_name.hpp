// leakguard/detail/type_name.hpp - best-effort readable type names for the
// tracker's report ("channel<int>"). Computed once per type, only on slow
// (blocking) paths.
#pragma once

#include <string>
#include <string_view>

namespace leakguard::detail {

template <class T>
std::string_view raw_type_name() noexcept {
#if defined(__clang__) || defined(__GNUC__)
  std::string_view p = __PRETTY_FUNCTION__;
  auto start = p.find("T = ");
  if (start == std::string_view::npos) return "?";
  start += 4;
  auto end = p.find_first_of(";]", start);
  return p.substr(start, end - start);
#else
  return "?";
#endif
}

// "PREFIX<T>" as a string with static storage duration.
template <class Tag, class T>
const char* templ_name(const char* prefix) {
  static const std::string name =
      std::string(prefix) + "<" + std::string(raw_type_name<T>()) + ">";
  return name.c_str();
}

}  // namespace leakguard::detail
