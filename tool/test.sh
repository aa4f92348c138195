#!/usr/bin/env bash
# The whole test suite: installs its dependencies, then builds and tests
#   build/gcc    GCC 12, everything (library, runtime, checks, tools, examples) + all tests
#   build/clang  Clang 19, library + runtime + examples + their tests
#   build/tsan   Clang 19 with -fsanitize=thread, library + runtime tests
#   build/asan   GCC 12 with -fsanitize=address,undefined, library + runtime tests
# Usage: tool/test.sh [gcc|clang|tsan|asan ...]   (default: all four)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
"$here/tool/setup.sh"
jobs="${LEAKGUARD_JOBS:-$(nproc)}"
configs=("$@")
[ ${#configs[@]} -eq 0 ] && configs=(gcc clang tsan asan)

run() { # name, cmake args...
  local name="$1"; shift
  local dir="$here/build/$name"
  echo "== leakguard tests: $name"
  cmake -S "$here" -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  (cd "$dir" && ctest --output-on-failure -j "$jobs" --timeout 600)
}

lib_only=(-DLEAKGUARD_BUILD_CHECKS=OFF -DLEAKGUARD_BUILD_TOOLS=OFF)
for c in "${configs[@]}"; do
  case "$c" in
    gcc)   run gcc   -DCMAKE_CXX_COMPILER=g++ -DCMAKE_C_COMPILER=gcc ;;
    clang) run clang -DCMAKE_CXX_COMPILER=clang++-19 -DCMAKE_C_COMPILER=clang-19 "${lib_only[@]}" ;;
    tsan)  run tsan  -DCMAKE_CXX_COMPILER=clang++-19 -DCMAKE_C_COMPILER=clang-19 "${lib_only[@]}" \
                     -DLEAKGUARD_BUILD_EXAMPLES=OFF -DLEAKGUARD_SANITIZE=thread ;;
    asan)  run asan  -DCMAKE_CXX_COMPILER=g++ -DCMAKE_C_COMPILER=gcc "${lib_only[@]}" \
                     -DLEAKGUARD_BUILD_EXAMPLES=OFF "-DLEAKGUARD_SANITIZE=address,undefined" ;;
    *) echo "test.sh: unknown configuration '$c' (known: gcc clang tsan asan)" >&2; exit 2 ;;
  esac
done
echo "== leakguard tests: all passed (${configs[*]})"
