// leakguard_gtest_main: gtest_main with the leak listener installed.
// Environment: LEAKGUARD_PER_SUITE=SuiteA,SuiteB checks those suites once at
// their end; LEAKGUARD_ZOMBIES=abort ends the run after the first leak.
#include <leakguard/leakcheck/gtest.hpp>

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  leakguard::install_gtest_listener().configure_from_env();
  return RUN_ALL_TESTS();
}
