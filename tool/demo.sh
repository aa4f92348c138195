#!/usr/bin/env bash
# The main job: build leakguard, run the correct examples, run the checks
# over the correct examples (clean) and the buggy twins (findings), run the
# buggy twins under the leak tracker (reports), and match the two halves.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
"$here/tool/setup.sh"
build="$here/build/gcc"
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=g++ -DCMAKE_C_COMPILER=gcc >/dev/null
cmake --build "$build" -j "$(nproc)"
exec python3 "$here/tool/demo.py" --source "$here" --build "$build"
