#!/usr/bin/env bash
# bench/profile.sh - where a channel workload spends its time, for the
# diagnosis of a missed target (not run by bench/run.sh).
#   bench/profile.sh [BUILD_DIR] WORKLOAD/IMPL ...      e.g. spsc_cap64/leakguard
# For each: perf stat (task-clock, context switches, migrations; software
# events, which work in VMs without hardware counters) and a perf record
# (cpu-clock sampling) with the top symbols, self time.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="$here/build/bench"
if [ $# -gt 0 ] && [ -d "$1" ]; then build="$(realpath "$1")"; shift; fi
bin="$build/bench/bench_channels"
out="$build/profile"; mkdir -p "$out"
for w in "$@"; do
  f="${w}/"
  echo "=== $w"
  perf stat -x, -e task-clock,context-switches,cpu-migrations -o "$out/stat.txt" \
    "$bin" --benchmark_filter="$f" --benchmark_min_time=0.2 --benchmark_format=csv 2>/dev/null \
    | grep -E "^\"?$w" | awk -F, '{printf "%s  %.0f items/s\n", $1, $7}' || true
  grep -E "task-clock|context-switches|cpu-migrations" "$out/stat.txt" | cut -d, -f1,3 | tr '\n' ' ' || true; echo
  perf record -q -e cpu-clock -o "$out/perf.data" "$bin" --benchmark_filter="$f" \
    --benchmark_min_time=0.2 >/dev/null 2>&1 || true
  perf report -q -i "$out/perf.data" --no-children --stdio --sort symbol 2>/dev/null \
    | grep -v '^$' | head -12 | sed 's/  */ /g' || true
done
