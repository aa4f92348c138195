// A user header: reported only when it matches --header-filter.
#pragma once
#include <leakguard/leakguard.hpp>
inline void user_send(leakguard::channel<int> &out, std::stop_token st) {
  out.push(1);
}
