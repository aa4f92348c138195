#!/usr/bin/env python3
"""leakguard-tidy: lists the leakguard-* checks with no --load, flags each
buggy twin with the check its FLAGGED-BY line names, applies a fix-it with
-fix, and still has the upstream modules."""
import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lgtest import check, finish, write_compdb, example_files, expected_findings, registered_checks, run, push_twin

ap = argparse.ArgumentParser()
ap.add_argument("--tidy", required=True)
ap.add_argument("--source", required=True)
ap.add_argument("--work", required=True)
a = ap.parse_args()
shutil.rmtree(a.work, ignore_errors=True)
os.makedirs(a.work)
known = registered_checks(a.source)

r = run([a.tidy, "--list-checks", "-checks=-*,leakguard-*"])
listed = {l.strip() for l in r.stdout.splitlines() if l.strip().startswith("leakguard-")}
check(r.returncode == 0 and listed == known, "--list-checks lists %s (got %s)" % (sorted(known), sorted(listed)))
r = run([a.tidy, "--list-checks", "-checks=*"])
check("bugprone-use-after-move" in r.stdout and "modernize-use-nullptr" in r.stdout,
      "upstream modules are linked in too")

buggy = example_files(a.source, True)
db = write_compdb(os.path.join(a.work, "db"), a.source, buggy)
for f, c in expected_findings(buggy, known):
    r = run([a.tidy, "-p", db, "-checks=-*," + c, f])
    check(any(l.startswith(f + ":") and "warning:" in l and l.endswith("[%s]" % c)
              for l in r.stdout.splitlines()),
          "%s flagged by %s without --load" % (os.path.basename(f), c))

# -fix applies the stop-aware overload.
proj = os.path.join(a.work, "fix")
os.makedirs(proj)
dst = os.path.join(proj, "twin.cpp")
twin, _, _, fixed = push_twin(a.source)
shutil.copy(twin, dst)
fdb = write_compdb(os.path.join(a.work, "fdb"), a.source, [dst])
r = run([a.tidy, "-p", fdb, "-checks=-*,leakguard-stop-aware-blocking", "-fix", dst])
check(fixed in open(dst).read().splitlines(), "-fix adds the stop token: %s" % fixed.strip())
finish()
