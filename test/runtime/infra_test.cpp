#include <leakguard/leakcheck.hpp>
#include <gtest/gtest.h>
#include <thread>
TEST(Infra, Status) {
  auto s = leakguard::status();
  EXPECT_TRUE(s.loaded);
  std::printf("mode %s interposing %d stacks %d\n", s.mode, s.interposing, s.stacks);
}
