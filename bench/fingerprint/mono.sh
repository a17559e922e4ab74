#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/fingerprint/mono.sh - cold and warm fingerprints of realistic
# contexts, ecr-assets against aws-cdk-lib 2.276.0 side by side in the same
# run, each line printing the ratio. See bench/fingerprint/README.md.
#
#   mono.sh [--work DIR] [--cli PATH] [--runs N] [--only mono,small,bin1]
#
# $ECRA_BENCH_SCALE (default 1) scales the monorepo context (1: ~33k
# files, ~880 MB, a .git with packs and thousands of refs; 0.1 for a
# quick run). Needs node + tests/compat/node_modules, git, hyperfine.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=${ECRA_BENCH_WORK:-$top/bench/work}
cli=$top/build/ecr-assets
runs=3
only=mono,small,bin1
scale=${ECRA_BENCH_SCALE:-1}

while [ $# -gt 0 ]; do
	case $1 in
	--work) work=$2; shift 2 ;;
	--cli) cli=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	-h|--help) sed -n '2,13p' "$0"; exit 0 ;;
	*) echo "mono.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
cli=$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")
[ -x "$cli" ] || { echo "mono.sh: no ecr-assets at $cli (build first)" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "mono.sh: hyperfine is needed (scripts/install-deps.sh)" >&2; exit 1; }
[ -d "$top/tests/compat/node_modules/aws-cdk-lib" ] ||
	{ echo "mono.sh: aws-cdk-lib is missing (scripts/install-deps.sh)" >&2; exit 1; }
mkdir -p "$work"
work=$(cd "$work" && pwd)
results=$work/results
mkdir -p "$results"
# Our cache and aws-cdk-lib's live in the work directory, never in $HOME.
export XDG_CACHE_HOME=$work/xdg-cache
cdk_home=$work/cdk-home
mkdir -p "$cdk_home"
unset ECRA_NO_CACHE

IFS=, read -r -a wanted <<<"$only"
mono=$work/mono-$scale
for w in "${wanted[@]}"; do
	case $w in
	mono) [ -f "$mono.done" ] || { echo "== generating the monorepo context (scale $scale)"; node "$here/mono_gen.js" "$mono" "$scale"; } ;;
	small|bin1) [ -f "$work/$w.done" ] || node "$here/gen.js" "$work" "$w" ;;
	*) echo "mono.sh: unknown workload '$w'" >&2; exit 2 ;;
	esac
done

{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "nproc: $(nproc)"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
	echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "node: $(node --version)"
	echo "runs: $runs"
	[ -f "$mono.done" ] && echo "mono: $(cat "$mono.done")"
} | tee "$results/mono-machine.txt"

# "<median wall ms> <mean user+system ms>"
median_json() { node -e 'const r=require(process.argv[1]).results[0];const t=r.times.slice().sort((a,b)=>a-b);console.log((t[t.length>>1]*1000).toFixed(1), ((r.user+r.system)*1000).toFixed(1))' "$1"; }
median_calls() {
	local wall cpu
	wall=$(awk '/^call_ms/ {print $2}' "$1" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	cpu=$(awk '/^call_ms/ {s += $4; n++} END {printf "%.1f", s / n}' "$1")
	echo "$wall $cpu"
}

# ecr NAME ARGS...: median wall ms of the whole `ecr-assets hash` process.
ecr() {
	local name=$1
	shift
	hyperfine --style none --warmup 1 --runs "$runs" -N \
	    --export-json "$results/$name.json" -- "$(printf '%q ' "$cli" hash "$@")" >/dev/null
	median_json "$results/$name.json"
}
# cdk NAME (--cold|--cache-home D) ARGS...: median ms of the call alone.
cdk() {
	local name=$1
	shift
	node "$here/cdk_time.js" --repeat "$runs" "$@" >"$results/$name.hash" 2>"$results/$name.calls"
	median_calls "$results/$name.calls"
}
row() { # label "ours-wall ours-cpu" "theirs-wall theirs-cpu" target
	local ow oc tw tc
	read -r ow oc <<<"$2"
	read -r tw tc <<<"$3"
	printf '%-30s %9s %9s %6sx | %8s %8s %6sx  (>= %s)\n' "$1" "$ow" "$tw" \
	    "$(echo "scale=2; $tw / $ow" | bc -l)" "$oc" "$tc" \
	    "$(echo "scale=2; $tc / $oc" | bc -l)" "$4" | tee -a "$results/mono-table.txt"
}
same() { # ours-args... : check the hash against the last cdk run's
	local ours theirs
	ours=$("$cli" hash "${@:2}")
	theirs=$(cat "$results/$1.hash")
	[ "$ours" = "$theirs" ] || echo "   WARNING: hash mismatch ($1): ours $ours, aws-cdk-lib $theirs" | tee -a "$results/mono-table.txt"
}

: >"$results/mono-table.txt"
{
	echo "wall ms: median, whole ecr-assets process vs the aws-cdk-lib call alone;"
	echo "cpu ms: mean user+system of the same runs"
	printf '%-30s %9s %9s %7s | %8s %8s %7s\n' workload ecr-wall cdk-wall ratio ecr-cpu cdk-cpu ratio
} | tee -a "$results/mono-table.txt"

for w in "${wanted[@]}"; do
	case $w in
	mono)
		dir=$mono
		pats=()
		while IFS= read -r line || [ -n "$line" ]; do pats+=(-e "$line"); done <"$dir/.dockerignore"
		find "$dir" -type f -print0 | xargs -0 cat >/dev/null
		st=$(hyperfine --style none --warmup 1 --runs "$runs" -N --export-json "$results/mono-stat.json" \
		    -- "find $dir -printf %s\\n" >/dev/null; median_json "$results/mono-stat.json")
		for m in docker git glob; do
			ours=$(ecr "mono-$m-cold" --no-cache -i "$m" "${pats[@]}" "$dir")
			theirs=$(cdk "mono-$m-cdk-cold" --cold -i "$m" "${pats[@]}" "$dir")
			row "monorepo cold, $m mode" "$ours" "$theirs" 10
			same "mono-$m-cdk-cold" -i "$m" "${pats[@]}" "$dir"
		done
		# Warm: both caches filled by earlier runs of an unchanged tree.
		"$cli" hash -i docker "${pats[@]}" "$dir" >/dev/null
		"$cli" hash -i docker "${pats[@]}" "$dir" >/dev/null
		ours=$(ecr mono-docker-warm -i docker "${pats[@]}" "$dir")
		theirs=$(cdk mono-docker-cdk-warm --cache-home "$cdk_home" -i docker "${pats[@]}" "$dir")
		row "monorepo warm, docker mode" "$ours" "$theirs" 10
		same mono-docker-cdk-warm -i docker "${pats[@]}" "$dir"
		read -r ow oc <<<"$ours"
		read -r sw sc <<<"$st"
		printf '%-30s %9s %9s %7s | %8s %8s %7s\n' "stat every file (find)" "$sw" "" "" "$sc" "" "" | tee -a "$results/mono-table.txt"
		echo "warm / stat: wall $(echo "scale=2; $ow / $sw" | bc -l)x, cpu $(echo "scale=2; $oc / $sc" | bc -l)x (target <= 2)" | tee -a "$results/mono-table.txt"
		;;
	small|bin1)
		dir=$work/$w
		find "$dir" -type f -print0 | xargs -0 cat >/dev/null
		ours=$(ecr "$w-cold" --no-cache "$dir")
		theirs=$(cdk "$w-cdk-cold" --cold "$dir")
		[ "$w" = small ] && target=15 || target=-
		row "$w cold" "$ours" "$theirs" "$target"
		same "$w-cdk-cold" "$dir"
		"$cli" hash "$dir" >/dev/null
		"$cli" hash "$dir" >/dev/null
		ours=$(ecr "$w-warm" "$dir")
		theirs=$(cdk "$w-cdk-warm" --cache-home "$cdk_home" "$dir")
		row "$w warm" "$ours" "$theirs" 10
		;;
	esac
done
