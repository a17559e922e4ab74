#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# scripts/fuzz.sh - build every libFuzzer target with clang (ASan+UBSan)
# and run each for a bounded time: ctest -L fuzz in build-fuzz. 0 crashes,
# leaks or sanitizer reports passes. New corpus inputs stay in
# build-fuzz/tests/fuzz/corpus-<name>/; a crash is saved under
# build-fuzz/fuzz-artifacts/ (copy it to tests/fuzz/regressions/<name>/
# with the fix: the normal build replays it, ctest -L fuzz_replay).
#
# Environment: ECRA_FUZZ_SECONDS (default 25) per target; ECRA_JOBS.
# Exits 77 (skip) without clang.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
jobs=${ECRA_JOBS:-$(nproc)}
secs=${ECRA_FUZZ_SECONDS:-25}
if ! command -v clang >/dev/null; then
	echo "skipped: clang not found"
	exit 77
fi
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DECRA_FUZZ=ON \
	-DECRA_TESTS=OFF -DCMAKE_BUILD_TYPE=Debug \
	-DECRA_FUZZ_SECONDS="$secs" >/dev/null
cmake --build build-fuzz -j"$jobs"
ctest --test-dir build-fuzz -L fuzz --output-on-failure -j"$jobs"
