#!/usr/bin/env python3
"""Runs one clang-tidy check over one lit test file and verifies the result.

Usage (from a RUN: line):
  %check_tidy [-check-suffix=S | -check-suffixes=,A,B] FILE CHECK-NAME TMP
              [-- CLANG-TIDY-ARGS... [-- COMPILER-ARGS...]]

Conventions, as in upstream clang-tidy's lit tests:
  // CHECK-MESSAGES[-S]: :[[@LINE-1]]:3: warning: text [check-name]
      expected diagnostics; any other warning or error fails the test.
  // CHECK-NOTES[-S]: ...   like CHECK-MESSAGES, but notes are checked too and
      an unexpected note also fails the test.
  // CHECK-FIXES[-S]: code   the file after `-fix`, matched line by line.
  A file with no CHECK-FIXES for the active suffixes must not be changed by
  fix-its, and a file with neither CHECK-MESSAGES nor CHECK-NOTES must produce
  no warnings at all.
The suffix list picks which prefixes are active; an empty entry ("," in
-check-suffixes=,A) keeps the unsuffixed prefixes.
"""
import argparse
import os
import re
import subprocess
import sys

KINDS = ("MESSAGES", "NOTES", "FIXES")
CHECK_COMMENT = re.compile(r"//\s*CHECK-(?:MESSAGES|NOTES|FIXES)[A-Z0-9-]*(?:-NOT)?:.*$")


def fail(msg):
    sys.stderr.write("check_tidy.py: " + msg + "\n")
    sys.exit(1)


def split_args(argv):
    head, tidy, cc = [], [], []
    parts = [head, tidy, cc]
    idx = 0
    for a in argv:
        if a == "--" and idx < 2:
            idx += 1
            continue
        parts[idx].append(a)
    return head, tidy, cc


def main():
    head, tidy_args, cc_args = split_args(sys.argv[1:])
    ap = argparse.ArgumentParser()
    ap.add_argument("--clang-tidy", required=True)
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--filecheck", required=True)
    ap.add_argument("--mock-include", required=True)
    ap.add_argument("-check-suffix", "-check-suffixes", dest="suffixes", default="")
    ap.add_argument("--std", default="c++20")
    ap.add_argument("input")
    ap.add_argument("check_name")
    ap.add_argument("temp")
    args = ap.parse_args(head)

    suffixes = [s.strip() for s in args.suffixes.split(",")] if args.suffixes else [""]
    for s in suffixes:
        if s and not re.fullmatch(r"[A-Z0-9]+", s):
            fail(f"bad check suffix '{s}': use upper-case letters and digits")

    with open(args.input, encoding="utf-8") as f:
        source = f.read()

    prefixes = {k: [f"CHECK-{k}" + (f"-{s}" if s else "") for s in suffixes] for k in KINDS}
    present = {k: [p for p in prefixes[k] if re.search(re.escape(p) + r"(-NOT)?:", source)]
               for k in KINDS}
    if present["MESSAGES"] and present["NOTES"]:
        fail("use CHECK-MESSAGES or CHECK-NOTES in one run, not both")

    # The file clang-tidy sees: same lines, CHECK comments blanked so that
    # FileCheck never matches its own patterns in the fixed file.
    stripped = "\n".join(CHECK_COMMENT.sub("//", line) for line in source.split("\n"))
    temp_cpp = args.temp + ".cpp"
    os.makedirs(os.path.dirname(os.path.abspath(temp_cpp)), exist_ok=True)
    with open(temp_cpp, "w", encoding="utf-8") as f:
        f.write(stripped)

    # The check must exist: a plugin that fails to load, or a misspelt check
    # name, would otherwise pass every test that expects no diagnostics.
    listed = subprocess.run([args.clang_tidy, "--load", args.plugin, "--list-checks",
                             "--checks=-*," + args.check_name] + tidy_args,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    enabled = [l.strip() for l in listed.stdout.splitlines() if l.startswith("    ")]
    if listed.returncode != 0 or not any(re.fullmatch(args.check_name.replace("*", ".*"), c)
                                         for c in enabled):
        print(listed.stdout)
        fail(f"check '{args.check_name}' is not available (plugin not loaded or misspelt name)")

    cmd = [args.clang_tidy, "--load", args.plugin, temp_cpp, "-fix",
           "--checks=-*," + args.check_name] + tidy_args + \
          ["--", "-std=" + args.std, "-isystem", args.mock_include] + cc_args
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = proc.stdout
    with open(args.temp + ".msg", "w", encoding="utf-8") as f:
        f.write(output)
    print("Running: " + " ".join(cmd))
    print("------------------------ clang-tidy output -----------------------")
    print(output)

    if re.search(r"error: .*\[clang-diagnostic-error\]", output) or "Error while processing" in output:
        fail("the test file does not compile (see clang-tidy output above)")
    if proc.returncode not in (0, 1) and "-warnings-as-errors" not in " ".join(tidy_args):
        fail(f"clang-tidy exited with {proc.returncode}")

    def filecheck(check_prefixes, input_file, implicit_not, strict=False):
        fc = [args.filecheck, args.input, "--input-file=" + input_file,
              "--check-prefixes=" + ",".join(check_prefixes), "--dump-input=fail"]
        if implicit_not:
            fc.append("--implicit-check-not=" + implicit_not)
        if strict:
            fc.append("--strict-whitespace")
        r = subprocess.run(fc, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            print(r.stdout)
            fail("FileCheck failed for " + ",".join(check_prefixes))

    if present["NOTES"]:
        filecheck(present["NOTES"], args.temp + ".msg", "{{note|warning|error}}:")
    elif present["MESSAGES"]:
        filecheck(present["MESSAGES"], args.temp + ".msg", "{{warning|error}}:")
    elif re.search(r"\b(warning|error): ", output):
        fail("diagnostics were emitted but the test expects none for this run")

    with open(temp_cpp, encoding="utf-8") as f:
        fixed = f.read()
    if present["FIXES"]:
        filecheck(present["FIXES"], temp_cpp, None, strict=True)
    elif fixed != stripped:
        fail("fix-its changed the file but the test has no CHECK-FIXES for this run")


if __name__ == "__main__":
    main()
