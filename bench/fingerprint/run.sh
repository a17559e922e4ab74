#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/fingerprint/run.sh - time `ecr-assets hash` against aws-cdk-lib's
# FileSystem.fingerprint and `openssl dgst -sha256` on the same bytes.
# See bench/fingerprint/README.md.
#
#   run.sh [--work DIR] [--cli PATH] [--runs N] [--only small,text,bin1,bin8]
#          [--no-node] [--callgrind] [--keep-going]
#
# Needs: node + tests/compat/node_modules (for aws-cdk-lib), openssl,
# hyperfine (optional; a plain loop otherwise), valgrind (--callgrind).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=${ECRA_BENCH_WORK:-$top/bench/work}
cli=$top/build/ecr-assets
runs=5
only=small,text,bin1,bin8
node_side=1
mode=bench

while [ $# -gt 0 ]; do
	case $1 in
	--work) work=$2; shift 2 ;;
	--cli) cli=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--no-node) node_side=0; shift ;;
	--callgrind) mode=callgrind; shift ;;
	-h|--help) sed -n '2,13p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

cli=$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")
if [ ! -x "$cli" ]; then
	echo "run.sh: no ecr-assets at $cli (build first: cmake -B build && cmake --build build)" >&2
	exit 1
fi
if [ "$node_side" = 1 ] && [ ! -d "$top/tests/compat/node_modules/aws-cdk-lib" ]; then
	echo "run.sh: aws-cdk-lib is missing; install it with scripts/install-deps.sh (or pass --no-node)" >&2
	exit 1
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
results=$work/results
mkdir -p "$results"

# Free disk: the four workloads take 3.1 GiB; refuse below 4 GiB free
# unless they already exist.
IFS=, read -r -a wanted <<<"$only"
[ "$mode" = callgrind ] && wanted=(mini)
missing=0
for w in "${wanted[@]}"; do
	[ -f "$work/$w.done" ] || missing=1
done
if [ "$missing" = 1 ]; then
	avail_kb=$(df -Pk "$work" | awk 'NR==2 {print $4}')
	if [ "$avail_kb" -lt $((4 * 1024 * 1024)) ]; then
		echo "run.sh: only $((avail_kb / 1024)) MiB free under $work; the workloads need 4 GiB." >&2
		echo "run.sh: free some space or pass --work DIR on a larger disk." >&2
		exit 1
	fi
	echo "== generating workloads in $work (once)"
	node "$here/gen.js" "$work" "${wanted[@]}"
fi

files_of() { find "$work/$1/" -type f | LC_ALL=C sort; }
warm() { find "$work/$1/" -type f -print0 | xargs -0 cat >/dev/null; }

if [ "$mode" = callgrind ]; then
	command -v valgrind >/dev/null || { echo "run.sh: valgrind is not installed" >&2; exit 1; }
	out=$results/callgrind.out
	echo "== callgrind: ecr-assets hash on the mini workload (2000 files, 8 MiB text, 8 MiB binary)"
	valgrind --tool=callgrind --callgrind-out-file="$out" \
	    "$cli" hash "$work/mini" 2>"$results/callgrind.log"
	grep -E 'Collected' "$results/callgrind.log" || true
	callgrind_annotate --inclusive=no "$out" 2>/dev/null | sed -n '1,40p' |
	    tee "$results/callgrind.txt"
	exit 0
fi

have_hyperfine=0
command -v hyperfine >/dev/null && have_hyperfine=1

# measure NAME RUNS WARMUP CMD...: write $results/NAME.json in hyperfine's
# format (results[0].{mean,median,stddev,min,max,times}).
measure() {
	local name=$1 n=$2 warmup=$3
	shift 3
	if [ "$have_hyperfine" = 1 ]; then
		hyperfine --style basic --warmup "$warmup" --runs "$n" -N \
		    --export-json "$results/$name.json" -- "$(printf '%q ' "$@")" \
		    >/dev/null
	else
		local i t0 t1 times=()
		for ((i = 0; i < warmup; i++)); do "$@" >/dev/null 2>&1; done
		for ((i = 0; i < n; i++)); do
			t0=$(date +%s.%N)
			"$@" >/dev/null 2>&1
			t1=$(date +%s.%N)
			times+=("$(echo "$t1 - $t0" | bc -l)")
		done
		node "$here/report.js" --loop-json "$name" "${times[@]}" \
		    >"$results/$name.json"
	fi
	echo "   $name: $(node "$here/report.js" --mean "$results/$name.json")"
}

# The node call alone: ref_hash.js --time prints call_ms per call.
measure_call() {
	local name=$1 n=$2 dir=$3
	(cd "$top/tests/compat" && node ref_hash.js "$dir" --time --repeat "$n") \
	    2>"$results/$name.calls" >/dev/null
	node "$here/report.js" --calls-json "$name" "$results/$name.calls" \
	    >"$results/$name.json"
	echo "   $name: $(node "$here/report.js" --mean "$results/$name.json")"
}

{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "nproc: $(nproc)"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
	echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "ecr-assets: $("$cli" --version 2>/dev/null || echo "$cli")"
	echo "node: $(node --version)"
	echo "openssl: $(openssl version)"
	echo "runs: $runs"
} | tee "$results/machine.txt"

for w in "${wanted[@]}"; do
	dir=$work/$w
	echo "== $w"
	warm "$w"
	mapfile -t files < <(files_of "$w")
	measure "$w-ecr" "$runs" 1 "$cli" hash "$dir"
	if [ "$w" = small ]; then
		measure "$w-openssl" "$runs" 1 sh -c \
		    "find '$dir/' -type f -print0 | xargs -0 openssl dgst -sha256 >/dev/null"
	else
		measure "$w-openssl" "$runs" 1 openssl dgst -sha256 "${files[@]}"
	fi
	if [ "$node_side" = 1 ]; then
		nruns=$runs
		[ "$w" = small ] || nruns=$(( runs < 3 ? runs : 3 ))
		measure_call "$w-cdk-call" "$nruns" "$dir"
		measure "$w-cdk-process" "$nruns" 0 node "$top/tests/compat/ref_hash.js" "$dir"
	fi
	# Same answer on both sides (the benchmark is not a test, but a
	# mismatch would make it meaningless).
	if [ "$node_side" = 1 ]; then
		a=$("$cli" hash "$dir")
		b=$(cd "$top/tests/compat" && node ref_hash.js "$dir")
		[ "$a" = "$b" ] && echo "   hash $a (matches aws-cdk-lib)" ||
		    echo "   WARNING: hash mismatch: ours $a, aws-cdk-lib $b"
	fi
done

node "$here/report.js" --table "$results" "${wanted[@]}" | tee "$results/table.md"
