"""Helpers shared by the tool tests: a compilation database for the
examples, running a command and checking how it ended."""
import json
import os
import re
import subprocess
import sys

FAILURES = []


def check(cond, what):
    if cond:
        print("ok    " + what)
    else:
        print("FAIL  " + what)
        FAILURES.append(what)
    return cond


def finish():
    if FAILURES:
        print("\n%d failure(s):" % len(FAILURES))
        for f in FAILURES:
            print("  " + f)
        sys.exit(1)
    print("all passed")


def write_compdb(build_dir, source_root, files, extra=()):
    """compile_commands.json in build_dir for files (absolute paths)."""
    os.makedirs(build_dir, exist_ok=True)
    entries = []
    for f in files:
        entries.append({
            "directory": build_dir,
            "file": f,
            "arguments": ["clang++", "-std=c++20",
                          "-I" + os.path.join(source_root, "include"),
                          "-I" + os.path.join(source_root, "examples"), *extra,
                          "-c", f, "-o", os.path.join(build_dir, os.path.basename(f) + ".o")],
        })
    with open(os.path.join(build_dir, "compile_commands.json"), "w") as out:
        json.dump(entries, out, indent=1)
    return build_dir


def example_files(source_root, buggy):
    d = os.path.join(source_root, "examples", "buggy" if buggy else "")
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".cpp"))


def flagged_by(path):
    """[(check, line)] from a buggy twin: the `FLAGGED-BY: leakguard-X` comment
    names the check; the line is the one marked `// BUG` (1-based)."""
    checks, lines = [], []
    with open(path) as f:
        for n, text in enumerate(f, 1):
            m = re.search(r"FLAGGED-BY:\s*(leakguard-[a-z-]+)", text)
            if m:
                checks.append(m.group(1))
            if re.search(r"//\s*BUG\b", text):
                lines.append(n)
    return checks, lines


def expected_findings(files, known):
    """(file, check) for every FLAGGED-BY check of the buggy twins FILES,
    skipping (and saying so) checks that KNOWN does not register."""
    for f in files:
        checks, _ = flagged_by(f)
        for c in checks:
            if c not in known:
                print("skip  %s: %s is not registered yet" % (os.path.basename(f), c))
                continue
            yield f, c


def registered_checks(source_root):
    """leakguard-* names the module registers (checks/LeakguardTidyModule.cpp)."""
    with open(os.path.join(source_root, "checks", "LeakguardTidyModule.cpp")) as f:
        return set(re.findall(r'registerCheck<\w+>\(\s*"(leakguard-[a-z-]+)"', f.read()))


def run(cmd, timeout=600, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    return r


def one_line_error(r, code, what):
    """Non-zero exit `code`, exactly one stderr line 'leakguard: error: ...', no crash."""
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    ok = (r.returncode == code and len(lines) == 1 and
          lines[0].startswith("leakguard: error: "))
    check(ok, "%s -> exit %d, one line (got exit %d: %r)" % (what, code, r.returncode, r.stderr[:300]))


def push_twin(source_root):
    """The stop-aware-blocking twin: (path, 1-based line of its `// BUG` push,
    0-based column of `push` there, that line as the fix-it should leave it)."""
    path = os.path.join(source_root, "examples", "buggy", "push_ignores_stop_token.cpp")
    with open(path) as f:
        lines = f.read().splitlines()
    n = next(i for i, l in enumerate(lines) if "// BUG" in l and "ch.push(" in l)
    text = lines[n]
    open_at = text.index("ch.push(") + len("ch.push")
    depth, close = 0, None
    for j in range(open_at, len(text)):
        depth += {"(": 1, ")": -1}.get(text[j], 0)
        if depth == 0:
            close = j
            break
    fixed = text[:close] + ", st" + text[close:]
    return path, n + 1, text.index("ch.push(") + len("ch."), fixed
