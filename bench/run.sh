#!/usr/bin/env bash
# bench/run.sh - builds every benchmark (Release) and runs them all, then
# writes bench/results/SUMMARY.md (+ CSVs, raw outputs and sweep.png).
# Budget: under 15 minutes on 2 cores, build included. Not part of the test
# suite. Works from a clean clone (needs tool/setup.sh --bench's packages).
#
#   bench/run.sh                 the real run
#   bench/run.sh --quick         sanity run: tiny iteration counts, clang-tidy
#                                timed natively instead of under callgrind
#   options: --build-dir DIR (default build/bench)  --results DIR (default bench/results)
#            --skip-tidy  --skip-channels  --skip-sweep  --skip-tracker
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="$here/build/bench"
results="$here/bench/results"
quick=0 skip_tidy=0 skip_channels=0 skip_sweep=0 skip_tracker=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --build-dir) build="$(realpath -m "$2")"; shift ;;
    --results) results="$(realpath -m "$2")"; shift ;;
    --skip-tidy) skip_tidy=1 ;;
    --skip-channels) skip_channels=1 ;;
    --skip-sweep) skip_sweep=1 ;;
    --skip-tracker) skip_tracker=1 ;;
    *) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
start=$(date +%s)
stamp() { printf '== [%4ds] %s\n' $(( $(date +%s) - start )) "$*"; }

if [ $quick = 1 ]; then
  export LG_BENCH_SCALE=0.05; min_time=0.01; reps=1; sweep_scale=0.25
else
  export LG_BENCH_SCALE=1; min_time=0.2; reps=3; sweep_scale=1
fi
clang_tidy=/usr/lib/llvm-19/bin/clang-tidy
jobs="${LEAKGUARD_JOBS:-$(nproc)}"

stamp "packages (tool/setup.sh --bench)"
"$here/tool/setup.sh" --bench || echo "run.sh: tool/setup.sh --bench failed; trying with what is installed" >&2

stamp "configure + build (Release) in $build"
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLEAKGUARD_BUILD_BENCH=ON \
  -DLEAKGUARD_BUILD_TESTS=OFF -DLEAKGUARD_BUILD_EXAMPLES=OFF -DLEAKGUARD_BUILD_TOOLS=OFF \
  -DLEAKGUARD_BUILD_CHECKS=$([ $skip_tidy = 1 ] && echo OFF || echo ON) >/dev/null
cmake --build "$build" -j "$jobs" --target bench_all
plugin=""
if [ $skip_tidy = 0 ]; then
  if cmake --build "$build" -j "$jobs" --target LeakguardTidyPlugin; then
    plugin="$(find "$build/checks" -name 'libLeakguardTidyPlugin.so' | head -1)"
  else
    echo "run.sh: LeakguardTidyPlugin does not build; the checks' cost is not measured" >&2
  fi
fi

stamp "build the Go program (offline)"
export GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GO111MODULE=on
export GOCACHE="$build/go/cache" GOPATH="$build/go/path" GOTMPDIR="$build/go/tmp"
mkdir -p "$GOCACHE" "$GOPATH" "$GOTMPDIR"
(cd "$here/bench/go" && go build -o "$build/go/gochan" .)

raw="$build/raw"
rm -rf "$raw"; mkdir -p "$raw"
bin="$build/bench"
{
  echo "date:      $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "commit:    $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?')$( [ -n "$(git -C "$here" status --porcelain -- include runtime checks bench ':!bench/results' 2>/dev/null)" ] && echo ' (+ uncommitted changes)')"
  echo "machine:   $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
  echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, at start of the run)"
  echo "compilers: $(c++ --version | head -1); $(go version | cut -d' ' -f3-4); $($clang_tidy --version | grep -m1 version | sed 's/^ *//')"
  echo "settings:  min_time=${min_time}s repetitions=$reps (median) scale=$LG_BENCH_SCALE$( [ $quick = 1 ] && echo ' QUICK SANITY RUN - numbers are not measurements')"
} > "$raw/env.txt"
cat "$raw/env.txt"

gb=(--benchmark_min_time=$min_time --benchmark_repetitions=$reps --benchmark_report_aggregates_only=true
    --benchmark_out_format=json)

if [ $skip_channels = 0 ]; then
  stamp "channels: leakguard and C++ peers"
  "$bin/bench_channels" "${gb[@]}" --benchmark_out="$raw/channels.json"
  stamp "channels: Go (GOMAXPROCS=$(nproc))"
  "$build/go/gochan" -min-time $min_time -reps $reps -out "$raw/go.csv"
fi

if [ $skip_tracker = 0 ]; then
  stamp "tracker: on vs compiled out"
  "$bin/bench_tracker_on" "${gb[@]}" --benchmark_out="$raw/tracker_on.json"
  "$bin/bench_tracker_off" "${gb[@]}" --benchmark_out="$raw/tracker_off.json"
  n=$([ $quick = 1 ] && echo 20000 || echo 200000)
  echo "mode,n,instructions" > "$raw/tracker_callgrind.csv"
  for m in on off; do
    instr=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect=lg_bench_loop \
              "$bin/tracker_count_$m" $n 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
    echo "$m,$n,${instr:-0}" >> "$raw/tracker_callgrind.csv"
  done
  cat "$raw/tracker_callgrind.csv"
fi

if [ $skip_sweep = 0 ]; then
  stamp "semaphore-limit sweep"
  "$bin/bench_sweep" --out="$raw/sweep.csv" --scale=$sweep_scale
fi

if [ $skip_tidy = 0 ] && [ -n "$plugin" ]; then
  stamp "checks: clang-tidy under callgrind ($jobs at a time)"
  python3 "$here/bench/tidy/tidy_cost.py" --clang-tidy "$clang_tidy" --plugin "$plugin" --repo "$here" \
    --out "$raw" --jobs "$jobs" $([ $quick = 1 ] && echo --no-callgrind)
fi

stamp "summary"
mkdir -p "$results/raw"
for f in env.txt channels.json go.csv tracker_on.json tracker_off.json tracker_callgrind.csv; do
  if [ -f "$raw/$f" ]; then cp "$raw/$f" "$results/raw/"; fi
done
doc_arg=()
if [ "$results" = "$here/bench/results" ]; then doc_arg=("$here/docs/performance.md"); fi
python3 "$here/bench/summarize.py" "$raw" "$results" "${doc_arg[@]}"
stamp "done: $results/SUMMARY.md"
