#!/usr/bin/env python3
"""`leakguard check`: findings on the buggy twins, none on the correct
examples, SARIF 2.1.0 (validated against the published schema when it is
available), baseline, --fail-on, --shard, -j, progress, Ctrl-C, and one clear
line + non-zero exit for every kind of bad input."""
import argparse
import json
import os
import pty
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lgtest import (check, finish, write_compdb, example_files, expected_findings,
                    registered_checks, run, one_line_error, push_twin)
import sarif_check

ap = argparse.ArgumentParser()
ap.add_argument("--leakguard", required=True)
ap.add_argument("--source", required=True)
ap.add_argument("--work", required=True)
ap.add_argument("--schema", default="")
a = ap.parse_args()
LG, SRC = a.leakguard, a.source
work = a.work
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)

buggy = example_files(SRC, True)
clean = example_files(SRC, False)
db = write_compdb(os.path.join(work, "db"), SRC, buggy + clean)
known = registered_checks(SRC)


def lg(*args, **kw):
    return run([LG, *args], **kw)


# ---- findings on the buggy twins, text output ----
sarif = os.path.join(work, "buggy.sarif")
r = lg("check", "-p", db, "-j2", "--progress=lines", "--fail-on=none", "--root", SRC,
       "--sarif", sarif, os.path.join(SRC, "examples", "buggy"))
check(r.returncode == 0, "check buggy --fail-on=none exits 0 (got %d: %s)" % (r.returncode, r.stderr[-500:]))
for f, c in expected_findings(buggy, known):
    check(any(l.startswith(f + ":") and l.endswith("[%s]" % c) for l in r.stdout.splitlines()),
          "%s flagged by %s (clang-style line)" % (os.path.basename(f), c))
push, PUSH_LINE, _, PUSH_FIXED = push_twin(SRC)
check(any(l.startswith(push + ":%d:" % PUSH_LINE) and "warning:" in l for l in r.stdout.splitlines()),
      "push_ignores_stop_token.cpp:%d reported as file:line:col: warning:" % PUSH_LINE)
check(" | " in r.stdout and "^" in r.stdout, "source line and caret printed")
progress = [l for l in r.stderr.splitlines() if l.startswith("[")]
check(len(progress) == len(buggy) and all("/%d]" % len(buggy) in l for l in progress),
      "plain progress lines when stderr is not a TTY (%d lines)" % len(progress))
check("leakguard: " in r.stderr and "of %d files" % len(buggy) in r.stderr, "summary line")

# ---- SARIF ----
with open(sarif) as fh:
    log = json.load(fh)
problems = sarif_check.validate(log, a.schema)
check(not problems, "SARIF valid (%s): %s" % (sarif_check.how(a.schema), problems[:5]))
problems = sarif_check.github_requirements(log)
check(not problems, "SARIF has what GitHub code scanning needs: %s" % problems[:5])
res = log["runs"][0]["results"]
check(any(x["ruleId"] == "leakguard-stop-aware-blocking" and
          x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
          "examples/buggy/push_ignores_stop_token.cpp" and
          x["locations"][0]["physicalLocation"]["region"]["startLine"] == PUSH_LINE for x in res),
      "SARIF result for push_ignores_stop_token.cpp:%d, URI relative to --root" % PUSH_LINE)
check(any("fixes" in x for x in res), "SARIF carries the fix-it of stop-aware-blocking")

# ---- fail-on ----
r = lg("check", "-p", db, "--progress=none", push)
check(r.returncode == 1, "default --fail-on=new: findings -> exit 1 (got %d)" % r.returncode)
r = lg("check", "-p", db, "--progress=none", "--fail-on=any", push)
check(r.returncode == 1, "--fail-on=any: findings -> exit 1")
r = lg("check", "-p", db, "--progress=none", "--fail-on=none", push)
check(r.returncode == 0, "--fail-on=none: findings -> exit 0")

# ---- the correct examples are clean ----
r = lg("check", "-p", db, "-j2", "--progress=none", *clean)
check(r.returncode == 0 and "[leakguard-" not in r.stdout,
      "correct examples: no leakguard finding, exit 0 (got %d: %s)" % (r.returncode, r.stdout[:400]))

# ---- baseline ----
r = lg("check", "-p", db, "--progress=none", "--baseline", sarif, "--root", SRC,
       os.path.join(SRC, "examples", "buggy"))
check(r.returncode == 0 and "0 new" in r.stderr and "[leakguard-" not in r.stdout,
      "everything in the baseline: 0 new, exit 0 (got %d: %s)" % (r.returncode, r.stderr[-300:]))
r = lg("check", "-p", db, "--progress=none", "--baseline", sarif, "--fail-on=any", "--root", SRC,
       os.path.join(SRC, "examples", "buggy"))
check(r.returncode == 1, "--fail-on=any fails on baselined findings")
# A project that moved lines and gained one new bug: only the new one is new.
proj = os.path.join(work, "proj")
os.makedirs(proj)
with open(push) as fh:
    text = fh.read()
shutil.copy(push, os.path.join(proj, "twin.cpp"))
pdb = write_compdb(os.path.join(work, "pdb"), SRC, [os.path.join(proj, "twin.cpp")])
base = os.path.join(work, "proj-base.sarif")
r = lg("check", "-p", pdb, "--progress=none", "--fail-on=none", "--root", proj, "--sarif", base)
n_before = len(json.load(open(base))["runs"][0]["results"])
moved = text.replace("int main() {", "// a comment\n// another\nint main() {", 1)
moved = moved.replace("  producer.request_stop();",
                      "  producer.request_stop();\n  ch.push(99);\n", 1)
# The new push is outside the stop-aware scope; add one inside the lambda.
bug_line = text.splitlines()[PUSH_LINE - 1]
moved = moved.replace(bug_line, bug_line + "\n    ch.push(-1);", 1)
with open(os.path.join(proj, "twin.cpp"), "w") as fh:
    fh.write(moved)
out2 = os.path.join(work, "proj-new.sarif")
r = lg("check", "-p", pdb, "--progress=none", "--baseline", base, "--root", proj, "--sarif", out2)
new = [x for x in json.load(open(out2))["runs"][0]["results"] if x.get("baselineState") == "new"]
check(r.returncode == 1 and len(new) == 1 and "(1 new," in r.stderr,
      "moved lines stay baselined, the one new finding is new (exit %d, %d new of %d, %s)"
      % (r.returncode, len(new), n_before, r.stderr.strip()[-200:]))

# ---- shards ----
allfiles = set()
parts = []
for k in (1, 2, 3):
    s = os.path.join(work, "shard%d.sarif" % k)
    r = lg("check", "-p", db, "--progress=lines", "--fail-on=none", "--shard", "%d/3" % k, "--sarif", s)
    files = {l.split("] ", 1)[1].split(":")[0] for l in r.stderr.splitlines() if l.startswith("[")}
    parts.append(files)
    allfiles |= files
    auto = json.load(open(s))["runs"][0].get("automationDetails", {}).get("id", "")
    check(auto == "leakguard/shard-%d-of-3/" % k, "shard %d/3 SARIF automationDetails.id" % k)
check(sum(len(p) for p in parts) == len(allfiles) == len(buggy + clean),
      "shards 1/3..3/3 are disjoint and cover all %d files" % len(buggy + clean))

# ---- progress bar on a TTY ----
master, slave = pty.openpty()
p = subprocess.Popen([LG, "check", "-p", db, "--fail-on=none", push], stdout=subprocess.PIPE,
                     stderr=slave, text=False)
os.close(slave)
tty = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    tty += chunk
p.wait()
os.close(master)
check(b"\r\x1b[K[" in tty and b"1/1" in tty, "progress bar drawn on a TTY")

# ---- Ctrl-C: stops cleanly, partial results kept, no thread left ----
many = os.path.join(work, "many")
os.makedirs(many)
copies = []
for i in range(12):
    dst = os.path.join(many, "c%02d.cpp" % i)
    shutil.copy(buggy[i % len(buggy)] if i % 2 else clean[i % len(clean)], dst)
    copies.append(dst)
mdb = write_compdb(os.path.join(work, "mdb"), SRC, copies)
partial = os.path.join(work, "partial.sarif")
env = dict(os.environ, LEAKGUARD_CLI_REPORT_THREADS="1")
p = subprocess.Popen([LG, "check", "-p", mdb, "-j1", "--progress=lines", "--sarif", partial],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
first = p.stderr.readline()
p.send_signal(signal.SIGINT)
t0 = time.monotonic()
out, err = p.communicate(timeout=120)
stopped = time.monotonic() - t0
err = first + err
check(p.returncode == 130, "SIGINT -> exit 130 (got %d)" % p.returncode)
check("interrupted by signal 2" in err, "says it was interrupted")
check("threads at exit: 1" in err, "no thread left behind (%s)" %
      [l for l in err.splitlines() if "threads" in l])
check(os.path.exists(partial) and
      json.load(open(partial))["runs"][0]["invocations"][0]["executionSuccessful"] is False,
      "partial SARIF written, executionSuccessful false")
done = len([l for l in err.splitlines() if l.startswith("[")])
check(1 <= done < len(copies), "partial: %d of %d files, stopped %.1fs after the signal" % (done, len(copies), stopped))

# ---- a unit that does not compile ----
brokencpp = os.path.join(work, "broken.cpp")
with open(brokencpp, "w") as fh:
    fh.write("int main() { return undeclared; }\n")
bdb = write_compdb(os.path.join(work, "bdb"), SRC, [brokencpp])
r = lg("check", "-p", bdb, "--progress=none")
check(r.returncode == 4 and "not analysed: compile error" in r.stderr,
      "compile error -> exit 4, 'not analysed' (got %d: %s)" % (r.returncode, r.stderr[-300:]))

# ---- .clang-tidy options: a misspelt leakguard option is named, not ignored ----
cfg = os.path.join(work, "configured")
os.makedirs(cfg)
shutil.copy(push, os.path.join(cfg, "twin.cpp"))
with open(os.path.join(cfg, ".clang-tidy"), "w") as fh:
    fh.write("CheckOptions:\n"
             "  leakguard-stop-aware-blocking.ChanelTypes: 'x::y'\n"        # typo
             "  leakguard-single-closer.Spawners: 'my::spawn'\n"            # known
             "  leakguard-no-such-check.Zzzzzzzzzzzz: 1\n"                 # nothing close
             "  readability-identifier-naming.ClassCase: CamelCase\n")     # not ours
cdb = write_compdb(os.path.join(work, "cdb"), SRC, [os.path.join(cfg, "twin.cpp")])
r = lg("check", "-p", cdb, "--progress=none", "--fail-on=none")
cfg_lines = [l for l in r.stdout.splitlines() + r.stderr.splitlines() if "[clang-tidy-config]" in l]
check(r.returncode == 0, "configured run exits 0 under --fail-on=none (got %d: %s)" % (r.returncode, r.stderr[-300:]))
check(any("unknown check option 'leakguard-stop-aware-blocking.ChanelTypes'; did you mean "
          "'leakguard-stop-aware-blocking.ChannelTypes'" in l for l in cfg_lines),
      "a misspelt option is named with the closest known one (%s)" % cfg_lines)
check(any(l.endswith("unknown check option 'leakguard-no-such-check.Zzzzzzzzzzzz' [clang-tidy-config]")
          for l in cfg_lines), "an option with nothing close gets no suggestion (%s)" % cfg_lines)
check(len(cfg_lines) == 2, "known options and other tools' options are not warned about (%s)" % cfg_lines)
check(any("[leakguard-stop-aware-blocking]" in l for l in r.stdout.splitlines()),
      "the checks still run with the misspelt option")

# ---- bad input: one clear line, non-zero, never a crash ----
empty_dir = os.path.join(work, "empty")
os.makedirs(empty_dir)
bad_json = os.path.join(work, "badjson")
os.makedirs(bad_json)
open(os.path.join(bad_json, "compile_commands.json"), "w").write("[{\"file\": ")
no_units = os.path.join(work, "nounits")
os.makedirs(no_units)
open(os.path.join(no_units, "compile_commands.json"), "w").write("[]")
not_json = os.path.join(work, "not.json")
open(not_json, "w").write("this is not json")
not_sarif = os.path.join(work, "not-sarif.json")
open(not_sarif, "w").write('{"hello": 1}')
cases = [
    ("missing build dir", 3, ["check", "-p", os.path.join(work, "nope")]),
    ("no compile_commands.json", 3, ["check", "-p", empty_dir]),
    ("broken compile_commands.json", 3, ["check", "-p", bad_json]),
    ("empty compile_commands.json", 3, ["check", "-p", no_units]),
    ("unknown path", 3, ["check", "-p", db, os.path.join(work, "no-such.cpp")]),
    ("path with no unit", 3, ["check", "-p", db, empty_dir]),
    ("unknown option", 2, ["check", "-p", db, "--frobnicate"]),
    ("bad --fail-on", 2, ["check", "-p", db, "--fail-on=sometimes"]),
    ("bad --shard 0/2", 2, ["check", "-p", db, "--shard", "0/2"]),
    ("bad --shard 3/2", 2, ["check", "-p", db, "--shard", "3/2"]),
    ("bad --shard x", 2, ["check", "-p", db, "--shard", "x"]),
    ("-j 0", 2, ["check", "-p", db, "-j0"]),
    ("-j abc", 2, ["check", "-p", db, "-j", "abc"]),
    ("--sarif without value", 2, ["check", "-p", db, "--sarif"]),
    ("missing baseline", 3, ["check", "-p", db, "--baseline", os.path.join(work, "none.sarif"), push]),
    ("baseline not JSON", 3, ["check", "-p", db, "--baseline", not_json, push]),
    ("baseline not SARIF", 3, ["check", "-p", db, "--baseline", not_sarif, push]),
    ("unwritable --sarif", 3, ["check", "-p", db, "--progress=none", "--sarif",
                               os.path.join(work, "no", "dir", "x.sarif"), push]),
    ("unknown command", 2, ["frobnicate"]),
    ("confirm without --static", 2, ["confirm", "--runtime", not_json]),
    ("confirm without --runtime", 2, ["confirm", "--static", sarif]),
    ("confirm: static not SARIF", 3, ["confirm", "--static", not_sarif, "--runtime", not_json]),
    ("confirm: runtime not JSON", 3, ["confirm", "--static", sarif, "--runtime", not_json]),
    ("confirm: runtime not a report", 3, ["confirm", "--static", sarif, "--runtime", not_sarif]),
    ("confirm: missing runtime", 3, ["confirm", "--static", sarif, "--runtime", os.path.join(work, "x.json")]),
]
for what, code, args in cases:
    r = lg(*args)
    if what == "unwritable --sarif":
        # Findings are printed first; the error is the last stderr line.
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        check(r.returncode == code and lines and lines[-1].startswith("leakguard: error: cannot write"),
              "%s -> exit %d (got %d: %s)" % (what, code, r.returncode, r.stderr[-200:]))
        continue
    one_line_error(r, code, what)
r = lg()
check(r.returncode == 2 and "usage:" in r.stderr, "no arguments: usage, exit 2")
r = lg("--help")
check(r.returncode == 0 and "exit codes" in r.stdout, "--help documents the exit codes")
r = lg("--version")
check(r.returncode == 0 and r.stdout.startswith("leakguard "), "--version")

finish()
