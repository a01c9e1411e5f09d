#!/usr/bin/env bash
# Installs the Debian 12 packages chainkg needs (only when some are missing),
# then configures and builds. Used by `make run`, `make test` and CI.
#
#   scripts/setup.sh [BUILD_DIR [extra cmake args...]]
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build}
shift || true

packages=(
  build-essential cmake pkg-config
  librocksdb-dev libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev
  protobuf-compiler libabsl-dev libicu-dev libssl-dev openssl
  libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev libgoogle-perftools-dev
  python3 python3-grpcio python3-protobuf python3-networkx
)
# The fuzz build (make fuzz) needs clang, its libFuzzer and sanitizer
# runtimes, and llvm-symbolizer for readable reports.
case " $* " in
  *" -DCHAINKG_FUZZ=ON "*) packages+=(clang libclang-rt-14-dev llvm-14) ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
elif [ $# -gt 0 ]; then
  cmake -S . -B "$build_dir" "$@"
fi
cmake --build "$build_dir" -j "$(nproc)"
