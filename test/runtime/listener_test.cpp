// The GoogleTest listener, seen from outside: run leakcheck_child and check
// that the leaking test itself failed, with a report naming it.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace {
struct run_result {
  int status = -1;
  std::string out;
};

run_result run_child(const std::string& env_and_filter) {
  std::string cmd = env_and_filter + " " LEAKCHECK_CHILD " 2>&1";
  run_result r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return r;
}

bool has(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }
}  // namespace

TEST(Listener, FailsTheLeakingTestItselfAndNamesIt) {
  run_result r = run_child("LEAKGUARD_MAX_WAIT_MS=50 GTEST_FILTER='Child.*'");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(has(r.out, "[  FAILED  ] Child.LeaksAThread")) << r.out;
  EXPECT_FALSE(has(r.out, "[  FAILED  ] Child.Clean")) << r.out;
  EXPECT_FALSE(has(r.out, "[  FAILED  ] Child.LaterTestIsNotBlamed")) << r.out;
  EXPECT_FALSE(has(r.out, "[  FAILED  ] Child.ReleasesTheZombie")) << r.out;
  EXPECT_TRUE(has(r.out, "1 FAILED TEST")) << r.out;
  EXPECT_TRUE(has(r.out, "started by test Child.LeaksAThread")) << r.out;
  EXPECT_TRUE(has(r.out, "when test Child.LeaksAThread ended")) << r.out;
  EXPECT_TRUE(has(r.out, "listener_child.cpp")) << r.out;
  // The failure is printed inside the leaking test, before its verdict.
  auto fail_at = r.out.find("leakguard: test Child.LeaksAThread leaked");
  auto verdict = r.out.find("[  FAILED  ] Child.LeaksAThread");
  auto next = r.out.find("[ RUN      ] Child.LaterTestIsNotBlamed");
  EXPECT_LT(fail_at, verdict) << r.out;
  EXPECT_LT(verdict, next) << r.out;
}

TEST(Listener, PerSuiteModeAllowsThreadsSharedWithinASuite) {
  run_result bad = run_child("LEAKGUARD_MAX_WAIT_MS=20 GTEST_FILTER='Shared.*'");
  EXPECT_EQ(bad.status, 1) << bad.out;
  EXPECT_TRUE(has(bad.out, "[  FAILED  ] Shared.StartsWorker")) << bad.out;
  run_result ok = run_child("LEAKGUARD_MAX_WAIT_MS=20 LEAKGUARD_PER_SUITE=Shared GTEST_FILTER='Shared.*'");
  EXPECT_EQ(ok.status, 0) << ok.out;
}

TEST(Listener, PerSuiteAttributesToTheStartingTest) {
  run_result r = run_child(
      "LEAKGUARD_MAX_WAIT_MS=20 LEAKGUARD_PER_SUITE=Lingering GTEST_FILTER='Lingering.*:Release.*'");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(has(r.out, "[  FAILED  ] Lingering.End")) << r.out;
  EXPECT_TRUE(has(r.out, "started by test Lingering.Starts")) << r.out;
  EXPECT_TRUE(has(r.out, "still running when suite Lingering (last test Lingering.End) ended")) << r.out;
}

TEST(Listener, ZombiePolicyAbortEndsTheRun) {
  run_result r = run_child("LEAKGUARD_MAX_WAIT_MS=20 LEAKGUARD_ZOMBIES=abort GTEST_FILTER='Child.*'");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(has(r.out, "aborting the run")) << r.out;
  EXPECT_FALSE(has(r.out, "[ RUN      ] Child.LaterTestIsNotBlamed")) << r.out;
}
