#!/usr/bin/env python3
"""Turns the raw outputs of bench/run.sh into bench/results/:
SUMMARY.md (ratios with targets met/missed), channels.csv, sweep.png.

  summarize.py RAW_DIR RESULTS_DIR
RAW_DIR holds channels.json, go.csv, tracker_on.json, tracker_off.json,
tracker_callgrind.csv, sweep.csv, tidy.csv, tidy_profile.csv, env.txt
(any may be missing; the summary then says so).
"""
import csv
import json
import os
import shutil
import subprocess
import sys

WORKLOADS = ["pingpong", "spsc_cap1", "spsc_cap64", "spsc_cap1024", "mpmc_cap1", "mpmc_cap64",
             "mpmc_cap1024", "close_drain_cap64"]
PEERS = ["go", "boost_fiber", "tbb", "moodycamel", "moodycamel_unbounded", "mutex_cv"]
WORKLOAD_TEXT = {
    "pingpong": "unbuffered ping-pong (round trips/s)",
    "spsc_cap1": "SPSC, capacity 1", "spsc_cap64": "SPSC, capacity 64", "spsc_cap1024": "SPSC, capacity 1024",
    "mpmc_cap1": "MPMC 4×4, capacity 1", "mpmc_cap64": "MPMC 4×4, capacity 64",
    "mpmc_cap1024": "MPMC 4×4, capacity 1024", "close_drain_cap64": "close-and-drain 1→4, capacity 64",
}


def load_json(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None


def read_csv(path):
    try:
        return list(csv.DictReader(open(path)))
    except OSError:
        return []


def gbench_values(doc, key="items_per_second"):
    """name (without /manual_time and aggregate suffix) -> value; median if repeated."""
    out, seen_median = {}, set()
    if not doc:
        return out
    for b in doc.get("benchmarks", []):
        name = b["name"]
        agg = b.get("aggregate_name")
        if b.get("run_type") == "aggregate" and agg != "median":
            continue
        base = name
        for suf in ("_median",):
            if agg and base.endswith(suf):
                base = base[: -len(suf)]
        base = base.replace("/manual_time", "")
        if key not in b:
            if key == "ns" and "real_time" in b:
                scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
                val = b["real_time"] * scale
            else:
                continue
        else:
            val = b[key]
        if agg == "median":
            out[base] = val
            seen_median.add(base)
        elif base not in seen_median:
            out[base] = val
    return out


def fmt_rate(x):
    if x is None:
        return "—"
    for unit, div in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if x >= div:
            return "%.2f%s" % (x / div, unit)
    return "%.0f" % x


def fmt_ratio(x):
    return "—" if x is None else "%.2f" % x


def verdict(ok):
    return "—" if ok is None else ("**met**" if ok else "**MISSED**")


def main():
    raw, res = sys.argv[1], sys.argv[2]
    os.makedirs(res, exist_ok=True)
    md = []
    env = open(os.path.join(raw, "env.txt")).read().strip() if os.path.exists(os.path.join(raw, "env.txt")) else ""

    # ------------------------------------------------------------ channels --
    cpp = gbench_values(load_json(os.path.join(raw, "channels.json")))
    rates = {}  # (workload, impl) -> items/s
    for name, v in cpp.items():
        parts = name.split("/")
        if len(parts) == 2:
            rates[(parts[0], parts[1])] = v
    for row in read_csv(os.path.join(raw, "go.csv")):
        w, impl = row["name"].split("/")
        rates[(w, impl)] = float(row["items_per_second"])

    def ratio(w, peer):
        a, b = rates.get((w, "leakguard")), rates.get((w, peer))
        return a / b if a and b else None

    with open(os.path.join(res, "channels.csv"), "w") as fh:
        fh.write("workload,impl,items_per_second,ns_per_item,leakguard_over_impl\n")
        for w in WORKLOADS:
            for impl in ["leakguard"] + PEERS:
                v = rates.get((w, impl))
                if v:
                    r = ratio(w, impl)
                    fh.write("%s,%s,%.1f,%.2f,%s\n" % (w, impl, v, 1e9 / v, "%.4f" % r if r else ""))

    targets = []  # (what, measured, target, ok)
    for w in ["spsc_cap1", "spsc_cap64", "spsc_cap1024", "mpmc_cap1", "mpmc_cap64", "mpmc_cap1024"]:
        r = ratio(w, "go")
        targets.append(("%s: leakguard / Go throughput" % w, r, "≥ 1.00", None if r is None else r >= 1.0))
    for w in ["spsc_cap1", "spsc_cap64", "spsc_cap1024", "mpmc_cap1", "mpmc_cap64", "mpmc_cap1024"]:
        r = ratio(w, "moodycamel")
        targets.append(("%s: leakguard / moodycamel (bounded) throughput" % w, r, "≥ 0.50",
                        None if r is None else r >= 0.5))
    r = ratio("pingpong", "go")
    targets.append(("unbuffered round trip: leakguard / Go round trips per second", r, "≥ 1.00",
                    None if r is None else r >= 1.0))

    # ------------------------------------------------------------- tracker --
    on = gbench_values(load_json(os.path.join(raw, "tracker_on.json")), "ns")
    off = gbench_values(load_json(os.path.join(raw, "tracker_off.json")), "ns")
    on_ips = gbench_values(load_json(os.path.join(raw, "tracker_on.json")))
    off_ips = gbench_values(load_json(os.path.join(raw, "tracker_off.json")))
    cg = {r["mode"]: r for r in read_csv(os.path.join(raw, "tracker_callgrind.csv"))}
    tracker_rows = []
    if "on" in cg and "off" in cg and int(cg["off"]["instructions"]) > 0:
        ion = int(cg["on"]["instructions"]) / int(cg["on"]["n"])
        ioff = int(cg["off"]["instructions"]) / int(cg["off"]["n"])
        tracker_rows.append(("uncontended push+pop, cap 64 (callgrind instructions/op)", "%.1f" % ion, "%.1f" % ioff,
                             ion / ioff))
        targets.append(("tracking on / off, instructions per uncontended push+pop", ion / ioff, "≤ 1.15",
                        ion / ioff <= 1.15))
    for name, label in (("push_pop_cap64", "uncontended push+pop, cap 64 (ns/op)"),):
        if name in on and name in off:
            tracker_rows.append((label, "%.1f" % on[name], "%.1f" % off[name], on[name] / off[name]))
    if "pingpong_unbuffered" in on_ips and "pingpong_unbuffered" in off_ips:
        a, b = 1e9 / on_ips["pingpong_unbuffered"], 1e9 / off_ips["pingpong_unbuffered"]
        tracker_rows.append(("unbuffered round trip, blocking (ns/round trip)", "%.0f" % a, "%.0f" % b, a / b))
    for name, label in (("verify_none", "verify_none(), nothing running (µs/call)"),
                        ("verify_none_4blocked", "verify_none(ignore_current()), 4 blocked threads (µs/call)")):
        if name in on and name in off:
            tracker_rows.append((label, "%.1f" % (on[name] / 1e3), "%.1f" % (off[name] / 1e3), on[name] / off[name]))

    # --------------------------------------------------------------- checks --
    tidy = read_csv(os.path.join(raw, "tidy.csv"))
    tid = {(r["tu"], r["config"]): r for r in tidy}
    tidy_rows = []
    # Instructions when run under callgrind; seconds (not a measurement, the
    # --quick sanity run) otherwise.
    tidy_unit = "instructions"
    if tidy and all(int(r["instructions"]) == 0 for r in tidy):
        tidy_unit = "seconds"
    def tidy_cost(r):
        return int(r["instructions"]) if tidy_unit == "instructions" else float(r["seconds"])
    for tu in sorted({r["tu"] for r in tidy}):
        p = tid.get((tu, "parse"))
        if not p or not tidy_cost(p):
            continue
        base = tidy_cost(p)
        for cfg, label in (("leakguard", "all leakguard-* checks"), ("uam", "bugprone-use-after-move")):
            r = tid.get((tu, cfg))
            if r and tidy_cost(r):
                x = tidy_cost(r) / base
                tidy_rows.append((tu, label, base, tidy_cost(r), x, r))
                if cfg == "leakguard":
                    targets.append(("%s TU: leakguard checks / parse-only %s" % (tu, tidy_unit), x, "≤ 1.05",
                                    x <= 1.05))
    prof = read_csv(os.path.join(raw, "tidy_profile.csv"))

    # ---------------------------------------------------------------- sweep --
    sweep = read_csv(os.path.join(raw, "sweep.csv"))
    by_w = {}  # (workload, impl) -> rows by limit
    for r in sweep:
        by_w.setdefault((r["workload"], r["impl"]), []).append(r)
    crossover = {}
    for w, rows in by_w.items():
        rows.sort(key=lambda r: int(r["limit"]))
        best = max(float(r["throughput_per_s"]) for r in rows)
        for r in rows:
            if float(r["throughput_per_s"]) >= 0.95 * best:
                crossover[w] = r
                break
    plot_ok = make_plot(raw, res, by_w, crossover) if sweep else False
    if sweep:
        shutil.copy(os.path.join(raw, "sweep.csv"), os.path.join(res, "sweep.csv"))
    if tidy:
        shutil.copy(os.path.join(raw, "tidy.csv"), os.path.join(res, "tidy.csv"))
    if prof:
        shutil.copy(os.path.join(raw, "tidy_profile.csv"), os.path.join(res, "tidy_profile.csv"))

    # ------------------------------------------------------------ markdown --
    md.append("# leakguard benchmark summary\n")
    md.append("Written by `bench/run.sh` from one run on one machine; every ratio below compares numbers "
              "measured in that same run. Method: [docs/performance.md](../../docs/performance.md).\n")
    if env:
        md.append("```\n%s\n```\n" % env)
    met = [t for t in targets if t[3] is True]
    missed = [t for t in targets if t[3] is False]
    md.append("## Targets (issue 7)\n")
    md.append("%d met, %d missed, %d not measured.\n" % (len(met), len(missed),
                                                         len([t for t in targets if t[3] is None])))
    md.append("| what | measured | target | |\n|---|---:|---:|---|")
    for what, x, tgt, ok in targets:
        md.append("| %s | %s | %s | %s |" % (what, fmt_ratio(x), tgt, verdict(ok)))
    md.append("")

    md.append("## Channels: leakguard / peer throughput\n")
    md.append("Ratio > 1: leakguard moves more values (round trips) per second than the peer. "
              "`moodycamel` is BlockingConcurrentQueue bounded to the capacity by a LightweightSemaphore "
              "of free slots; `moodycamel_unbounded` is the raw unbounded queue (it never blocks a producer, "
              "so it is a reference, not a like-for-like peer). Boost.Fiber's buffered_channel holds "
              "N-1 values for N a power of two (2, 64, 1024 → 1, 63, 1023); ping-pong uses its "
              "unbuffered_channel. oneTBB, moodycamel and mutex_cv use capacity 1 for ping-pong.\n")
    md.append("| workload | leakguard | " + " | ".join("/ " + p for p in PEERS) + " |")
    md.append("|---|---:|" + "---:|" * len(PEERS))
    for w in WORKLOADS:
        md.append("| %s | %s/s | %s |" % (WORKLOAD_TEXT[w], fmt_rate(rates.get((w, "leakguard"))),
                                          " | ".join(fmt_ratio(ratio(w, p)) for p in PEERS)))
    floor = rates.get(("pingpong", "cacheline_floor"))
    if floor and rates.get(("pingpong", "leakguard")):
        lg_ns = 1e9 / rates[("pingpong", "leakguard")]
        md.append("\nPing-pong floor: two threads passing one cache line back and forth with bare atomics "
                  "(no queue) took **%.0f ns** per round trip in this run, measured just before the ping-pong "
                  "rows; leakguard's unbuffered round trip took %.0f ns (%.1f× the floor). The floor moves by "
                  "several times on this VM as the hypervisor places the two vCPUs; Go's ping-pong stays on one "
                  "core and does not see it." % (1e9 / floor, lg_ns, lg_ns * floor / 1e9))
    md.append("\nAbsolute throughput (items/s; round trips/s for ping-pong):\n")
    impls = ["leakguard"] + PEERS
    md.append("| workload | " + " | ".join(impls) + " |")
    md.append("|---|" + "---:|" * len(impls))
    for w in WORKLOADS:
        md.append("| %s | %s |" % (w, " | ".join(fmt_rate(rates.get((w, i))) for i in impls)))
    md.append("")

    md.append("## Checks: instructions over parse-only (callgrind)\n")
    if tidy_rows and tidy_unit == "seconds":
        md.append("**Quick run: clang-tidy was timed natively, not counted under callgrind; "
                  "these ratios are seconds on a noisy machine.**\n")
    if tidy_rows:
        md.append("| TU | checks | parse-only %s | with checks | ratio | leakguard warnings | errors |" % tidy_unit)
        md.append("|---|---|---:|---:|---:|---:|---:|")
        for tu, label, base, x, ratio_, r in tidy_rows:
            md.append("| %s | %s | %s | %s | %.4f (%+.2f%%) | %s | %s |" % (
                tu, label, "{:,}".format(base) if tidy_unit == "instructions" else "%.2f s" % base,
                "{:,}".format(x) if tidy_unit == "instructions" else "%.2f s" % x, ratio_, (ratio_ - 1) * 100,
                r["leakguard_warnings"], r["errors"]))
    else:
        md.append("(not measured)")
    if prof:
        md.append("\nPer check (`--enable-check-profile`, one native run per TU, seconds user+sys):\n")
        md.append("| TU | check | user+sys s |\n|---|---|---:|")
        for r in prof:
            md.append("| %s | %s | %.4f |" % (r["tu"], r["check"], float(r["user_s"]) + float(r["sys_s"])))
    md.append("")

    md.append("## Tracker: tracking on / compiled out (`-DLEAKGUARD_NO_TRACKING=1`)\n")
    if tracker_rows:
        md.append("| operation | on | off | on / off |\n|---|---:|---:|---:|")
        for label, a, b, x in tracker_rows:
            md.append("| %s | %s | %s | %.3f |" % (label, a, b, x))
    else:
        md.append("(not measured)")
    md.append("")

    md.append("## Semaphore-limit sweep\n")
    if sweep:
        md.append("Crossover = the smallest limit whose throughput is within 5% of the best limit's: "
                  "past it, more concurrency buys latency, not throughput. Latency is per task, from "
                  "holding its slot to done.\n")
        md.append("| task | limited by | crossover limit | tasks/s at 1 | at crossover | at 64 | p99 ms at crossover | p99 ms at 64 |")
        md.append("|---|---|---:|---:|---:|---:|---:|---:|")
        for (w, impl), rows in by_w.items():
            c = crossover[(w, impl)]
            first, last = rows[0], rows[-1]
            md.append("| %s | %s | %s | %.0f | %.0f | %.0f | %.2f | %.2f |" % (
                w, impl, c["limit"] + (" (none ≤ 64: still scaling)" if still_scaling(rows, c) else ""), float(first["throughput_per_s"]), float(c["throughput_per_s"]),
                float(last["throughput_per_s"]), float(c["p99_ms"]), float(last["p99_ms"])))
        md.append("\nFull data: [sweep.csv](sweep.csv).\n")
        if plot_ok:
            md.append("![throughput and p99 latency against the limit](sweep.png)\n")
    else:
        md.append("(not measured)\n")
    with open(os.path.join(res, "SUMMARY.md"), "w") as fh:
        fh.write("\n".join(md) + "\n")
    if len(sys.argv) > 3:
        update_doc(sys.argv[3], md, res)
    print("summarize: %s (%d targets met, %d missed)" % (os.path.join(res, "SUMMARY.md"), len(met), len(missed)))


def update_doc(doc, md, res):
    """Replaces the part of docs/performance.md between the RESULTS markers
    with this run's tables (the summary without its title and intro)."""
    begin, end = "<!-- BEGIN RESULTS (bench/summarize.py) -->", "<!-- END RESULTS -->"
    try:
        text = open(doc).read()
    except OSError:
        return
    if begin not in text or end not in text:
        return
    rel = os.path.relpath(res, os.path.dirname(os.path.abspath(doc)))
    body = "\n".join(md[2:]).replace("](sweep.png)", "](%s/sweep.png)" % rel) \
        .replace("](sweep.csv)", "](%s/sweep.csv)" % rel)
    body = body.replace("\n## ", "\n### ")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    open(doc, "w").write(head + begin + "\n" + body + "\n" + end + tail)


def still_scaling(rows, c):
    """The crossover is the last limit and it still gained more than 5% over the one before."""
    if c is not rows[-1] or len(rows) < 2:
        return False
    return float(rows[-1]["throughput_per_s"]) > 1.05 * float(rows[-2]["throughput_per_s"])


def make_plot(raw, res, by_w, crossover):
    if not shutil.which("gnuplot"):
        print("summarize: gnuplot not found, no plot", file=sys.stderr)
        return False
    titles = {"sleep": "I/O-bound: sleep 2 ms", "socket": "I/O-bound: loopback TCP, server capacity 8 x 1 ms",
              "cpu": "CPU-bound: about 1 ms of arithmetic (2 cores)"}
    workloads = []
    for (w, _) in by_w:
        if w not in workloads:
            workloads.append(w)
    order = [w for w in ("sleep", "socket", "cpu") if w in workloads] + \
        [w for w in workloads if w not in ("sleep", "socket", "cpu")]
    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"]
    gp = ["set terminal pngcairo size %d,580 font 'sans,10'" % (540 * len(order)),
          "set output '%s'" % os.path.join(res, "sweep.png"),
          "set datafile separator ','",
          "set multiplot layout 1,%d" % len(order),
          "set logscale x 2", "set xrange [0.8:80]", "set xtics (1,2,4,8,16,32,64)",
          "set xlabel 'concurrency limit'", "set ylabel 'throughput (tasks/s), solid'",
          "set y2label 'p99 latency (ms), dashed'", "set ytics nomirror", "set y2tics", "set grid",
          "set key outside bottom center horizontal maxrows 2 font ',9'", "set yrange [0:*]", "set y2range [0:*]",
          "set termoption noenhanced"]
    for w in order:
        impls = [i for (x, i) in by_w if x == w]
        gp.append("set title \"%s\"" % titles.get(w, w))
        gp.append("unset arrow; unset label")
        plots = []
        for k, impl in enumerate(impls):
            rows = by_w[(w, impl)]
            data = os.path.join(raw, "sweep_%s_%d.csv" % (w, k))
            with open(data, "w") as fh:
                for r in rows:
                    fh.write("%s,%s,%s\n" % (r["limit"], r["throughput_per_s"], r["p99_ms"]))
            c = crossover[(w, impl)]
            col = colors[k % len(colors)]
            short = impl.split("::")[0]
            text = ("crossover %s: %s" % (short, c["limit"])) if not still_scaling(rows, c) else \
                ("%s: no crossover up to 64" % short)
            gp.append("set arrow from %s, graph 0 to %s, graph 0.9 nohead dt 4 lw 2 lc rgb '%s'" % (c["limit"], c["limit"], col))
            gp.append("set label '%s' at graph 0.02, graph %.2f left tc rgb '%s' font ',9'" % (text, 0.96 - 0.05 * k, col))
            plots.append("'%s' using 1:2 axes x1y1 with linespoints lw 2 pt 7 lc rgb '%s' title '%s throughput'" % (data, col, short))
            plots.append("'%s' using 1:3 axes x1y2 with linespoints lw 1.5 dt 2 pt 5 lc rgb '%s' title '%s p99'" % (data, col, short))
        gp.append("plot " + ", ".join(plots))
    gp.append("unset multiplot")
    script = os.path.join(raw, "sweep.gp")
    open(script, "w").write("\n".join(gp) + "\n")
    r = subprocess.run(["gnuplot", script], stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        print("summarize: gnuplot failed: " + r.stderr, file=sys.stderr)
        return False
    return True


if __name__ == "__main__":
    main()
