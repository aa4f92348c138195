#!/usr/bin/env bash
# Installs what leakguard's build and tests need on Debian 12 (bookworm).
# Idempotent: prints nothing and changes nothing when everything is present.
#   tool/setup.sh            packages for building and testing
#   tool/setup.sh --bench    also the peers and tools the benchmarks compare against
#   tool/setup.sh --corpus   also the Debian example programs used for the checks' precision run
set -euo pipefail

packages=(
  build-essential g++ cmake ninja-build python3 pkg-config python3-jsonschema
  libgtest-dev libgmock-dev
  clang-19 clang-tidy-19 clangd-19 libclang-19-dev llvm-19-dev llvm-19-tools libclang-rt-19-dev
  libgrpc++-dev libprotobuf-dev
  libdw-dev libunwind-dev
  graphviz
  libcpp-httplib-dev
)
for arg in "$@"; do
  case "$arg" in
    --bench) packages+=(libbenchmark-dev libboost-fiber-dev libtbb-dev libconcurrentqueue-dev golang-go gnuplot-nox valgrind) ;;
    --corpus) packages+=(libboost1.81-doc libasio-doc libtbb-doc libboost-fiber-dev libboost-dev libtbb-dev libasio-dev) ;;
    *) echo "setup.sh: unknown option '$arg' (known: --bench, --corpus)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup.sh: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
