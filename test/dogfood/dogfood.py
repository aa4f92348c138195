#!/usr/bin/env python3
"""Dogfood: leakguard's checks over leakguard's own code.

  dogfood.py clean  --clang-tidy T --plugin P --source S --build B
      every public header (as its own main file), every correct example and
      every source of the tracker's runtime must pass `-checks=-*,leakguard-* --warnings-as-errors=leakguard-*`.
  dogfood.py buggy  ...same flags...
      every buggy twin in examples/buggy/ must be flagged, and by the checks
      its header comment names: a line `// FLAGGED-BY: leakguard-NAME`
      (repeatable). A twin with no FLAGGED-BY line is only run to show that
      its bug is one no check of this module claims (it must still compile).
"""
import argparse
import concurrent.futures
import glob
import json
import os
import re
import subprocess
import sys


def run_tidy(args, path, extra):
    cmd = [args.clang_tidy, "--load", args.plugin, "--checks=-*,leakguard-*",
           "--warnings-as-errors=leakguard-*", "--quiet", path] + extra
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def parallel(args, jobs):
    """Runs clang-tidy over (path, extra-args) jobs on every core, in order."""
    workers = int(os.environ.get("LEAKGUARD_JOBS", os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda job: run_tidy(args, job[0], job[1]), jobs))


def example_flags(args, path):
    db = os.path.join(args.build, "compile_commands.json")
    if os.path.exists(db):
        with open(db) as f:
            for entry in json.load(f):
                if os.path.realpath(entry["file"]) == os.path.realpath(path):
                    return ["-p", args.build]
    return ["--", "-std=c++20", "-I", os.path.join(args.source, "include"),
            "-I", os.path.join(args.source, "examples")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["clean", "buggy"])
    ap.add_argument("--clang-tidy", required=True)
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--build", required=True)
    args = ap.parse_args()
    inc = os.path.join(args.source, "include")
    failures = 0

    if args.mode == "clean":
        headers = sorted(glob.glob(os.path.join(inc, "leakguard", "**", "*.hpp"), recursive=True))
        examples = sorted(glob.glob(os.path.join(args.source, "examples", "**", "*.cpp"), recursive=True))
        examples = [e for e in examples if os.sep + "buggy" + os.sep not in e]
        # The tracker's runtime is held to the same rules (through the build's
        # compile_commands.json, like the examples).
        examples += sorted(glob.glob(os.path.join(args.source, "runtime", "*.cpp")))
        if not headers:
            sys.exit("dogfood: no headers found under " + inc)
        jobs = [(h, ["--", "-x", "c++", "-std=c++20", "-I", inc]) for h in headers] + \
               [(e, example_flags(args, e)) for e in examples]
        for path, (rc, out) in zip([j[0] for j in jobs], parallel(args, jobs)):
            print(f"[{'ok' if rc == 0 else 'FAIL'}] {os.path.relpath(path, args.source)}")
            if rc != 0:
                failures += 1
                print(out)
        print(f"dogfood clean: {len(headers)} headers, {len(examples)} examples and runtime sources, {failures} failing")
    else:
        twins = sorted(glob.glob(os.path.join(args.source, "examples", "buggy", "**", "*.cpp"), recursive=True))
        if not twins:
            sys.exit("dogfood: no buggy twins under examples/buggy/")
        results = parallel(args, [(t, example_flags(args, t)) for t in twins])
        for t, (rc, out) in zip(twins, results):
            with open(t) as f:
                expected = set(re.findall(r"//\s*FLAGGED-BY:\s*(leakguard-[a-z-]+)", f.read()))
            if "clang-diagnostic-error" in out:
                failures += 1
                print(f"[FAIL] {os.path.relpath(t, args.source)}: does not compile\n{out}")
                continue
            got = set(re.findall(r"\[(leakguard-[a-z-]+)(?:,[^\]]*)?\]", out))
            missing = expected - got
            ok = not missing and (rc != 0 if expected else True)
            print(f"[{'ok' if ok else 'FAIL'}] {os.path.relpath(t, args.source)}: "
                  f"expected {sorted(expected) or 'none'}, flagged {sorted(got) or 'none'}")
            print(out.rstrip())
            if not ok:
                failures += 1
        print(f"dogfood buggy: {len(twins)} twins, {failures} not flagged as expected")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
