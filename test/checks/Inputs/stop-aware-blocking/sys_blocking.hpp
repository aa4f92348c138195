// Included from a system include path: the check reports nothing here.
#pragma once
#include <leakguard/leakguard.hpp>
inline void sys_forward(leakguard::channel<int> &in, leakguard::channel<int> &out,
                        std::stop_token st) {
  while (auto v = in.pop())
    out.push(*v);
}
