#!/usr/bin/env bash
# One timed run each, same files, same -j, same checks (leakguard-* only):
#   leakguard check -p DB -jN FILES...
#   run-clang-tidy-19 -load PLUGIN -p DB -jN -checks=-*,leakguard-* FILES...
# Usage: measure_vs_run_clang_tidy.sh BUILD_DIR [JOBS]   (BUILD_DIR has leakguard and the plugin)
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build="$(cd "$1" && pwd)"; jobs="${2:-$(nproc)}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
files=("$src"/examples/*.cpp "$src"/examples/buggy/*.cpp)
python3 - "$work" "$src" "${files[@]}" <<'PY'
import sys; sys.path.insert(0, sys.argv[2] + "/test/tools")
from lgtest import write_compdb
write_compdb(sys.argv[1], sys.argv[2], sys.argv[3:])
PY
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
a=$(t "$build/tool/cli/leakguard" check -p "$work" -j"$jobs" --progress=none --fail-on=none "${files[@]}")
b=$(t run-clang-tidy-19 -quiet -load "$build/checks/libLeakguardTidyPlugin.so" -p "$work" -j "$jobs" \
      -checks='-*,leakguard-*' "${files[@]}")
echo "files=${#files[@]} jobs=$jobs leakguard_check=${a}s run_clang_tidy_19=${b}s ratio(run-clang-tidy/leakguard)=$(echo "scale=2; $b / $a" | bc)"
