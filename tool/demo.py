#!/usr/bin/env python3
"""leakguard's main job, on a built tree (tool/demo.sh builds it first).

1. runs the correct examples;
2. runs the checks over the correct examples (expected: clean) and over the
   buggy twins (expected: findings), writing SARIF;
3. runs each buggy twin, whose leak-tracker report is written as JSON;
4. `leakguard confirm` matches the static findings with the runtime reports.
Exits non-zero when a step does not show what it should.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys

EXAMPLES = ["workerpool", "fanin-fanout", "pipeline-cancel", "bounded-sem",
            "context-cancel", "semaphore", "boundedmap", "taskgroup"]


def banner(text):
    print("\n" + "=" * 78 + "\n== " + text + "\n" + "=" * 78, flush=True)


def run(cmd, env=None, show=True, limit=None):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    if show:
        lines = p.stdout.rstrip().splitlines()
        if limit and len(lines) > limit:
            lines = lines[:limit] + [f"... ({len(lines) - limit} more lines)"]
        print("\n".join(lines), flush=True)
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--build", required=True)
    args = ap.parse_args()
    src, build = args.source, args.build
    out = os.path.join(build, "demo")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    problems = []

    banner("1. the seed's examples, written with leakguard")
    for ex in EXAMPLES:
        exe = os.path.join(build, "examples", ex)
        print(f"--- {ex}")
        if run([exe], limit=8).returncode != 0:
            problems.append(f"example {ex} failed")

    cli = os.path.join(build, "tool", "cli", "leakguard")
    correct = sorted(os.path.join(src, "examples", e + ".cpp") for e in EXAMPLES)
    buggy = sorted(glob.glob(os.path.join(src, "examples", "buggy", "*.cpp")))

    banner("2a. leakguard check over the correct examples (expected: no findings)")
    p = run([cli, "check", "-p", build, "--progress=none", "--fail-on=any"] + correct)
    if p.returncode != 0:
        problems.append("the checks flagged a correct example")

    banner("2b. leakguard check over the buggy twins (expected: findings)")
    sarif = os.path.join(out, "findings.sarif")
    p = run([cli, "check", "-p", build, "--progress=none", "--fail-on=none", "--sarif", sarif] + buggy)
    if p.returncode != 0 or not os.path.exists(sarif):
        problems.append("leakguard check failed on the buggy twins")

    banner("3. the buggy twins under the leak tracker (expected: each bug confirmed)")
    reports = []
    for twin in buggy:
        name = os.path.splitext(os.path.basename(twin))[0]
        exe = os.path.join(build, "examples", "buggy", name)
        report = os.path.join(out, name + ".json")
        env = dict(os.environ, LEAKGUARD_REPORT_JSON=report)
        print(f"--- {name}")
        p = run([exe], env=env, limit=14)
        if "CONFIRMED by the leak tracker" not in p.stdout:
            problems.append(f"the tracker did not confirm {name}")
        if os.path.exists(report):
            reports.append(report)

    banner("4. leakguard confirm: static findings x runtime leak reports")
    if reports:
        run([cli, "confirm", "--static", sarif, "--runtime"] + reports)
    else:
        problems.append("no runtime JSON reports were written")

    banner("result")
    if problems:
        print("\n".join("PROBLEM: " + p for p in problems))
        return 1
    print("every correct example ran clean, every buggy twin was flagged statically and confirmed at run time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
