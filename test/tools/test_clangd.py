#!/usr/bin/env python3
"""leakguard-clangd over LSP, for real: initialize, didOpen a buggy twin,
wait for textDocument/publishDiagnostics, expect the leakguard-* diagnostic
at the right range, then ask for code actions there and expect the fix-it.

The twin is copied to a directory with no .clang-tidy / .clangd above it and
clangd gets an empty XDG_CONFIG_HOME: the diagnostic must come with no
configuration at all (clangd's default FastCheckFilter: Strict and its
default check list - the two things leakguard-clangd changes).
A second run enables the checks through a .clang-tidy that names only
leakguard-stop-aware-blocking, to show a project's own configuration works."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import queue

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lgtest import check, finish, write_compdb, push_twin

ap = argparse.ArgumentParser()
ap.add_argument("--clangd", required=True)
ap.add_argument("--source", required=True)
ap.add_argument("--work", required=True)
ap.add_argument("--timeout", type=float, default=240)
a = ap.parse_args()


class Lsp:
    def __init__(self, cmd, env):
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=open(os.path.join(a.work, "clangd.log"), "ab"), env=env)
        self.q = queue.Queue()
        self.next_id = 1
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        f = self.p.stdout
        while True:
            headers = {}
            while True:
                line = f.readline()
                if not line:
                    self.q.put(None)
                    return
                line = line.decode().strip()
                if not line:
                    break
                k, v = line.split(":", 1)
                headers[k.lower()] = v.strip()
            body = f.read(int(headers["content-length"]))
            self.q.put(json.loads(body))

    def send(self, msg):
        data = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.p.stdin.flush()

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        i = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": i, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == i and "method" not in m)

    def wait(self, pred, timeout=None):
        end = time.monotonic() + (timeout or a.timeout)
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("no matching message from clangd")
            m = self.q.get(timeout=left)
            if m is None:
                raise EOFError("clangd exited")
            if "method" in m and "id" in m:  # a request from the server
                self.send({"jsonrpc": "2.0", "id": m["id"], "result": None})
            if pred(m):
                return m

    def close(self):
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.p.wait(timeout=30)
        except Exception:
            self.p.kill()
        return self.p.returncode


def session(proj, label):
    src = os.path.join(proj, "twin.cpp")
    db = write_compdb(os.path.join(proj, "build"), a.source, [src])
    text = open(src).read()
    lines = text.splitlines()
    _, line1, col, fixed_line = push_twin(a.source)
    row = line1 - 1
    uri = "file://" + src
    xdg = os.path.join(a.work, "xdg")
    os.makedirs(xdg, exist_ok=True)
    env = dict(os.environ, XDG_CONFIG_HOME=xdg, HOME=a.work)
    lsp = Lsp([a.clangd, "--compile-commands-dir=" + db, "--log=error", "--background-index=false",
               "--pch-storage=memory", "-j=1"], env)
    t0 = time.monotonic()
    init = lsp.request("initialize", {
        "processId": os.getpid(), "rootUri": "file://" + proj,
        "capabilities": {"textDocument": {
            "publishDiagnostics": {"relatedInformation": True},
            "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}}}}}})
    check("result" in init and init["result"].get("capabilities", {}).get("codeActionProvider"),
          "%s: initialize answered with codeActionProvider" % label)
    lsp.notify("initialized", {})
    lsp.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "cpp", "version": 1,
                                                         "text": text}})
    try:
        pub = lsp.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                       and m["params"]["uri"] == uri
                       and any(str(d.get("code", "")).startswith("leakguard-") for d in m["params"]["diagnostics"]))
    except (TimeoutError, EOFError) as e:
        check(False, "%s: publishDiagnostics with a leakguard-* diagnostic (%s)" % (label, e))
        lsp.close()
        return
    took = time.monotonic() - t0
    diags = [d for d in pub["params"]["diagnostics"] if str(d.get("code", "")).startswith("leakguard-")]
    d = next((d for d in diags if d["code"] == "leakguard-stop-aware-blocking"), None)
    check(d is not None, "%s: leakguard-stop-aware-blocking diagnostic arrives (%.1fs)" % (label, took))
    if d is None:
        lsp.close()
        return
    rng = d["range"]
    check(rng["start"] == {"line": row, "character": col} and rng["end"]["line"] == row
          and rng["end"]["character"] == col + len("push"),
          "%s: range is 'push' in the BUG line's ch.push at %d:%d (got %s)" % (label, row + 1, col + 1, rng))
    check(d.get("source") == "clang-tidy" and d.get("severity") == 2,
          "%s: source clang-tidy, severity warning" % label)
    acts = lsp.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": rng, "context": {"diagnostics": [d]}})
    fixes = [x for x in acts.get("result") or [] if x.get("kind") == "quickfix" and "edit" in x]
    fixed = None
    for x in fixes:
        edits = x["edit"].get("changes", {}).get(uri, [])
        if not edits:
            for dc in x["edit"].get("documentChanges", []):
                if dc.get("textDocument", {}).get("uri") == uri:
                    edits = dc["edits"]
        new = lines[:]
        for e in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]),
                        reverse=True):
            s, t = e["range"]["start"], e["range"]["end"]
            if s["line"] != row or t["line"] != row:
                continue
            L = new[row]
            new[row] = L[:s["character"]] + e["newText"] + L[t["character"]:]
        if new[row] == fixed_line:
            fixed = x
    check(fixed is not None, "%s: a quick fix adds the stop token to ch.push (%s)"
          % (label, [x.get("title") for x in acts.get("result") or []]))
    rc = lsp.close()
    check(rc == 0, "%s: shutdown/exit, clangd exit code %s" % (label, rc))


shutil.rmtree(a.work, ignore_errors=True)
os.makedirs(a.work)
twin = os.path.join(a.source, "examples", "buggy", "push_ignores_stop_token.cpp")

# 1. No configuration anywhere.
bare = os.path.join(a.work, "bare")
os.makedirs(bare)
shutil.copy(twin, os.path.join(bare, "twin.cpp"))
parent = bare
while parent != "/":
    for cfg in (".clang-tidy", ".clangd"):
        if os.path.exists(os.path.join(parent, cfg)):
            print("note: %s exists above the test project" % os.path.join(parent, cfg))
    parent = os.path.dirname(parent)
session(bare, "no config")

# 2. A project .clang-tidy that names the check.
conf = os.path.join(a.work, "configured")
os.makedirs(conf)
shutil.copy(twin, os.path.join(conf, "twin.cpp"))
with open(os.path.join(conf, ".clang-tidy"), "w") as f:
    f.write("Checks: '-*,leakguard-stop-aware-blocking'\n")
session(conf, ".clang-tidy")

# 3. The leakguard checks are declared fast (LeakguardClangdPolicy.cpp), so
# clangd's own per-check timer (--check-tidy-time) must find and run each of
# them: a check clangd filtered out, or failed to build, reports no figure.
# The figures themselves are wall-clock percentages of one AST build and swing
# by +-10% on this 2-core machine (negative values are common), so they are
# printed, not asserted; the cost target is held by bench/tidy_cost.py with
# callgrind instruction counts (docs/performance.md).
import re
from lgtest import registered_checks
src = os.path.join(conf, "twin.cpp")
r = subprocess.run([a.clangd, "--compile-commands-dir=" + os.path.join(conf, "build"), "--check=" + src,
                    "--check-tidy-time=leakguard-*"], capture_output=True, text=True, timeout=900,
                   env=dict(os.environ, XDG_CONFIG_HOME=os.path.join(a.work, "xdg")))
check(r.returncode == 0, "clangd --check-tidy-time exits 0 (got %d)" % r.returncode)
cost = {m.group(1): float(m.group(2))
        for m in re.finditer(r"(leakguard-[a-z-]+) = (-?[0-9.]+)%", r.stderr)}
for c in sorted(registered_checks(a.source)):
    check(c in cost, "clangd --check-tidy-time runs %s (measured %s%% of an AST build, informational)"
          % (c, cost.get(c, "nothing")))
unknown = sorted(set(cost) - set(registered_checks(a.source)))
check(not unknown, "clangd measures no leakguard check the module does not register (extra: %s)" % unknown)

finish()
