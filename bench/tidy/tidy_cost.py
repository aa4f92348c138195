#!/usr/bin/env python3
"""The clang-tidy checks' cost, in instructions counted by callgrind.

For every large TU and every configuration, runs
  valgrind --tool=callgrind clang-tidy --load=PLUGIN -checks=CONFIG TU -- FLAGS
and records callgrind's "Collected" total (instructions executed, the same
from run to run on a busy machine). Configurations (the plugin is loaded in
every one of them, so the differences are the checks alone):
  parse      -*,llvm-namespace-comment         the floor: parse + AST, one trivial check
             (-checks='-*' alone makes clang-tidy stop before parsing)
  leakguard  -*,llvm-namespace-comment,leakguard-*
  uam        -*,llvm-namespace-comment,bugprone-use-after-move   (CFG-based upstream check, for scale;
             on the lib+examples TU only: a third asio+fiber run under callgrind would not fit
             bench/run.sh's 15-minute budget)
Then one native run per TU with --enable-check-profile for the per-check times.

  tidy_cost.py --clang-tidy BIN --plugin SO --repo DIR --out DIR [--jobs N] [--no-callgrind]
Writes OUT/tidy.csv (tu,config,instructions,seconds,exit,errors,leakguard_warnings)
and OUT/tidy_profile.csv (tu,check,user_s,sys_s,wall_s).
"""
import argparse
import concurrent.futures as cf
import glob
import json
import os
import re
import subprocess
import sys
import time

CONFIGS = [
    ("parse", "-*,llvm-namespace-comment"),
    ("leakguard", "-*,llvm-namespace-comment,leakguard-*"),
    ("uam", "-*,llvm-namespace-comment,bugprone-use-after-move"),
]


def run_one(args, tu_name, tu, flags, config, checks, callgrind):
    cmd = [args.clang_tidy, "--load=" + args.plugin, "-checks=" + checks, tu, "--"] + flags
    if callgrind:
        cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd
    t0 = time.monotonic()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
    secs = time.monotonic() - t0
    out = r.stdout + r.stderr
    m = re.search(r"Collected\s*:\s*(\d+)", r.stderr)
    instr = int(m.group(1)) if m else 0
    errors = len(re.findall(r"\berror:", out))
    warnings = len(re.findall(r"\[leakguard-[\w-]+\]", out))
    print("tidy %-10s %-9s instr=%d %.1fs exit=%d errors=%d" % (tu_name, config, instr, secs, r.returncode, errors),
          file=sys.stderr, flush=True)
    return dict(tu=tu_name, config=config, instructions=instr, seconds=secs, exit=r.returncode,
                errors=errors, leakguard_warnings=warnings)


def profile(args, tu_name, tu, flags, pdir):
    d = os.path.join(pdir, tu_name)
    os.makedirs(d, exist_ok=True)
    for f in glob.glob(os.path.join(d, "*.json")):
        os.remove(f)
    checks = "-*,llvm-namespace-comment,leakguard-*,bugprone-use-after-move"
    subprocess.run([args.clang_tidy, "--load=" + args.plugin, "--enable-check-profile",
                    "--store-check-profile=" + d, "-checks=" + checks, tu, "--"] + flags,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = []
    for f in glob.glob(os.path.join(d, "*.json")):
        prof = json.load(open(f))["profile"]
        per = {}
        for k, v in prof.items():
            m = re.match(r"time\.clang-tidy\.(.+)\.(wall|user|sys)$", k)
            if m:
                per.setdefault(m.group(1), {})[m.group(2)] = v
        for check, t in sorted(per.items()):
            rows.append(dict(tu=tu_name, check=check, user_s=t.get("user", 0), sys_s=t.get("sys", 0),
                             wall_s=t.get("wall", 0)))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clang-tidy", default="/usr/lib/llvm-19/bin/clang-tidy")
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--clangxx", default="clang++-19")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    tus_dir = os.path.join(args.out, "tidy_tus")
    os.makedirs(tus_dir, exist_ok=True)
    amalg = os.path.join(tus_dir, "library_examples.cpp")
    subprocess.run([sys.executable, os.path.join(here, "amalgamate.py"), args.repo, amalg, "--check", args.clangxx],
                   check=True)
    flags = ["-std=c++20", "-I" + os.path.join(args.repo, "include")]
    tus = [("lib+examples", amalg), ("asio+fiber", os.path.join(here, "asio_fiber.cpp"))]
    jobs = [(n, tu, c, chk) for n, tu in tus for c, chk in CONFIGS
            if not (n == "asio+fiber" and c == "uam")]
    # Longest first (asio+fiber) so that the two workers finish together.
    jobs.sort(key=lambda j: j[0] != "asio+fiber")
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = [ex.submit(run_one, args, n, tu, flags, c, chk, not args.no_callgrind) for n, tu, c, chk in jobs]
        results = [f.result() for f in futs]
    with open(os.path.join(args.out, "tidy.csv"), "w") as fh:
        fh.write("tu,config,instructions,seconds,exit,errors,leakguard_warnings\n")
        for r in sorted(results, key=lambda r: (r["tu"], r["config"])):
            fh.write("%(tu)s,%(config)s,%(instructions)d,%(seconds).2f,%(exit)d,%(errors)d,%(leakguard_warnings)d\n" % r)
    rows = []
    for n, tu in tus:
        rows += profile(args, n, tu, flags, os.path.join(args.out, "tidy_profile"))
    with open(os.path.join(args.out, "tidy_profile.csv"), "w") as fh:
        fh.write("tu,check,user_s,sys_s,wall_s\n")
        for r in rows:
            fh.write("%(tu)s,%(check)s,%(user_s).4f,%(sys_s).4f,%(wall_s).4f\n" % r)


if __name__ == "__main__":
    main()
