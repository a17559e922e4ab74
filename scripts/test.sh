#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# scripts/test.sh - install what is missing, build, and run the whole suite.
#
# On a fresh Debian machine this installs the Debian packages and the npm
# reference packages (aws-cdk-lib, cdk-assets, aws-cdk) it needs, starts
# the services the integration tests use (a private dockerd, local
# registries, the ECR stand-in), builds with -Werror, runs ctest, then
# rebuilds with ASan+UBSan and runs the unit and CLI tests again.
#
# Environment: ECRA_SKIP_ASAN=1 skips the sanitizer pass; ECRA_SKIP_FUZZ=1
# the bounded fuzzing (scripts/fuzz.sh); ECRA_JOBS=N sets
# build parallelism; ECRA_SKIP_INSTALL=1 skips package installation.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
jobs=${ECRA_JOBS:-$(nproc)}

"$here/scripts/install-deps.sh"

echo "== build (-Werror)"
cmake -S . -B build -DECRA_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"

# Services for the integration tests (dockerd, registries, ECR stand-in).
if [ -x "$here/tests/integration/services.sh" ]; then
	"$here/tests/integration/services.sh" start
	trap '"$here/tests/integration/services.sh" stop' EXIT
	# shellcheck disable=SC1091
	. "$here/tests/integration/services.env"
fi

echo "== ctest"
ctest --test-dir build --output-on-failure -j"$jobs"

# Every fuzz target for a bounded time (clang only; ECRA_SKIP_FUZZ=1
# skips, ECRA_FUZZ_SECONDS sets the time per target).
if [ "${ECRA_SKIP_FUZZ:-0}" != 1 ] && command -v clang >/dev/null; then
	echo "== fuzz (${ECRA_FUZZ_SECONDS:-25}s per target)"
	ECRA_JOBS=$jobs "$here/scripts/fuzz.sh"
fi

if [ "${ECRA_SKIP_ASAN:-0}" != 1 ]; then
	echo "== build (ASan+UBSan)"
	cmake -S . -B build-asan -DECRA_WERROR=ON -DECRA_SANITIZE=ON \
	    -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build build-asan -j"$jobs"
	echo "== ctest (ASan+UBSan)"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --test-dir build-asan --output-on-failure -j"$jobs" -L 'unit|cli|asan'
fi
