#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/registry/run.sh - the daemonless registry engine against skopeo,
# side by side in one run, each measurement into a fresh empty
# docker-registry on loopback (own storage directory, started here):
#
#   push    500 MB `docker save` tarball (300 MB random + 200 MB text, two
#           layers): `ecr-assets copy docker-archive:` vs `skopeo copy
#           docker-archive:`; wall time and peak RSS (GNU time)
#   again   the same push a second time (nothing to upload)
#   copy    a 500 MB two-platform image between two registries:
#           `ecr-assets copy` vs `skopeo copy --all`
#   mount   the same image to another repository of the same registry
#
#   bench/registry/run.sh [ECR_ASSETS] [RUNS]
#
# Images are written by make_image.py under bench/work/registry (kept
# between runs). Prints a markdown table for docs/performance.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
ecra=$(realpath "${1:-$src/build/ecr-assets}")
runs=${2:-3}
work=$src/bench/work/registry
mkdir -p "$work"
export XDG_CACHE_HOME=$work/cache
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"/reg-*
}
trap cleanup EXIT

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_registry NAME: a fresh registry; prints host:port.
start_registry() {
	local dir=$work/reg-$1 port
	rm -rf "$dir"
	mkdir -p "$dir/data"
	port=$(free_port)
	cat >"$dir/config.yml" <<EOT
version: 0.1
log: {level: error}
storage:
  filesystem: {rootdirectory: $dir/data}
http:
  addr: 127.0.0.1:$port
EOT
	docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break
		sleep 0.1
	done
	echo "127.0.0.1:$port"
}

stop_registries() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	pids=()
	rm -rf "$work"/reg-*
}

# measure OUTVAR CMD...: wall seconds and peak RSS (MB) of CMD.
measure() {
	local var=$1 t
	shift
	/usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/cmd.out" 2>&1 ||
		{ cat "$work/cmd.out" >&2; echo "FAILED: $*" >&2; exit 1; }
	read -r t m <"$work/time"
	printf -v "$var" '%s %s' "$t" "$((m / 1024))"
}

[ -f "$work/save500.tar" ] ||
	python3 "$here/make_image.py" "$work/save500.tar" save 300 200
[ -f "$work/multi500.tar" ] ||
	python3 "$here/make_image.py" "$work/multi500.tar" oci-multi 300 200

sk=(skopeo copy -q --dest-tls-verify=false --src-tls-verify=false)
declare -a r_ecra r_sk r_again r_copy r_skcopy r_mount
for i in $(seq "$runs"); do
	rm -rf "$XDG_CACHE_HOME"
	reg=$(start_registry a)
	measure m "$ecra" copy -q --no-cache "docker-archive:$work/save500.tar" "$reg/bench/push:v1"
	r_ecra+=("$m")
	# Second push: the layer cache knows the layers (first push with it).
	"$ecra" copy -q "docker-archive:$work/save500.tar" "$reg/bench/push:v1" >/dev/null 2>&1
	measure m "$ecra" copy -q "docker-archive:$work/save500.tar" "$reg/bench/push:v1"
	r_again+=("$m")
	stop_registries
	reg=$(start_registry b)
	measure m "${sk[@]}" "docker-archive:$work/save500.tar" "docker://$reg/bench/push:v1"
	r_sk+=("$m")
	stop_registries

	a=$(start_registry src)
	"$ecra" copy -q --no-cache "oci-archive:$work/multi500.tar" "$a/bench/multi:v1" >/dev/null
	b=$(start_registry dst1)
	measure m "$ecra" copy -q "$a/bench/multi:v1" "$b/bench/multi:v1"
	r_copy+=("$m")
	c=$(start_registry dst2)
	measure m "${sk[@]}" --all "docker://$a/bench/multi:v1" "docker://$c/bench/multi:v1"
	r_skcopy+=("$m")
	measure m "$ecra" copy -q "$a/bench/multi:v1" "$a/bench/other:v1"
	r_mount+=("$m")
	stop_registries
done

# median of field $2 (1 = seconds, 2 = MB) of the runs
median() {
	local f=$1
	shift
	printf '%s\n' "$@" | awk -v f="$f" '{print $f}' | sort -n |
		awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

pe=$(median 1 "${r_ecra[@]}"); ps=$(median 1 "${r_sk[@]}")
ce=$(median 1 "${r_copy[@]}"); cs=$(median 1 "${r_skcopy[@]}")
echo
echo "| workload (median of $runs) | ecr-assets | skopeo | ratio | ecr-assets peak RSS |"
echo "|---|---|---|---|---|"
echo "| push 500 MB docker save to an empty registry | ${pe} s | ${ps} s | $(ratio "$pe" "$ps")x | $(median 2 "${r_ecra[@]}") MB (skopeo $(median 2 "${r_sk[@]}") MB) |"
echo "| second push of the same tarball | $(median 1 "${r_again[@]}") s | | | $(median 2 "${r_again[@]}") MB |"
echo "| copy 500 MB two-platform index between registries | ${ce} s | ${cs} s (--all) | $(ratio "$ce" "$cs")x | $(median 2 "${r_copy[@]}") MB |"
echo "| same image to another repository (mount) | $(median 1 "${r_mount[@]}") s | | | $(median 2 "${r_mount[@]}") MB |"
echo
echo "raw (seconds MB): push ${r_ecra[*]} | skopeo ${r_sk[*]} | again ${r_again[*]} | copy ${r_copy[*]} | skopeo --all ${r_skcopy[*]} | mount ${r_mount[*]}"
