#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# bench/ignore/run.sh - build and run the ignore-engine micro-benchmark
# against one or more builds of libecrassets.
#
# usage: bench/ignore/run.sh [--reps N] [BUILD_DIR ...]   (default: build)
#
# Each BUILD_DIR must hold libecrassets.so (cmake --build BUILD_DIR). Give
# two (say, one of main and one of this branch) to compare before/after;
# the excluded/pruned counts must be equal between them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
reps=3
if [ "${1-}" = "--reps" ]; then reps=$2; shift 2; fi
[ $# -gt 0 ] || set -- "$root/build"
out=${ECRA_BENCH_WORK:-$root/bench/work}/ignore
mkdir -p "$out"
for b in "$@"; do
	b=$(cd "$b" && pwd)
	bin="$out/bench_ignore.$(echo "$b" | tr / _)"
	${CC:-cc} -O2 -std=c11 -I"$root/include" -I"$b/include" \
	    "$here/bench_ignore.c" -o "$bin" -L"$b" -lecrassets \
	    -Wl,-rpath,"$b"
	echo "== $b"
	"$bin" "$reps"
done
