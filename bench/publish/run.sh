#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/publish/run.sh - `ecr-assets publish` against cdk-assets 4.7.3
# (tests/compat/node_modules/.bin/cdk-assets) publishing the same asset
# manifests through the same ECR/STS stand-in (tests/integration/
# ecr_standin.py, SigV4 verified) to the same docker-registry with the same
# private dockerd, in the same run, timed with hyperfine.
#
#   bench/publish/run.sh [ECR_ASSETS] [N]
#
# Workloads (N docker image assets each, default 20, all through
# placeholders + the image-publishing role, as `cdk synth` writes them):
#   noop   every image already in the registry: both tools only check.
#          ecr-assets sequential and --parallel 4, cdk-assets.
#   fresh  every run starts from N images that are neither in the registry
#          nor local (hyperfine --prepare writes a manifest with new
#          contents and tags and removes the local images): build, tag,
#          push. ecr-assets --parallel 4 against cdk-assets (sequential).
# Before timing, each tool's publish is checked in the registry (all N
# tags listed). RUNS (default 5) and FRESH_RUNS (default 3) set the runs.
#
# The services run under bench/work/services (services.env next to it);
# the script starts them if they are not running and then stops them.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
ecra=$(realpath "${1:-$src/build/ecr-assets}")
n=${2:-20}
runs=${RUNS:-5}
fresh_runs=${FRESH_RUNS:-3}
cdk=$src/tests/compat/node_modules/.bin/cdk-assets
services=$src/tests/integration/services.sh
work=$src/bench/work
export ECRA_SERVICES_WORK=$work/services ECRA_SERVICES_ENV=$work/services.env

die() {
	echo "bench publish: $*" >&2
	exit 1
}
[ -x "$ecra" ] || die "no ecr-assets binary at $ecra"
[ -x "$cdk" ] || die "cdk-assets 4.7.3 not installed (scripts/install-deps.sh)"
command -v hyperfine >/dev/null || die "hyperfine not found"

mkdir -p "$work"
started=0
if ! "$services" status >/dev/null 2>&1; then
	"$services" start
	started=1
fi
tmp=$(mktemp -d "$work/publish.XXXXXX")

clean_local() {
	"$ECRA_DOCKER" images --format '{{.Repository}}:{{.Tag}}' |
		grep -E "^(cdkasset-|$ECRA_AUTH_REGISTRY/cdk-hnb659fds-)" |
		xargs -r "$ECRA_DOCKER" rmi -f >/dev/null 2>&1 || true
}
cleanup() {
	[ -z "${DOCKER_HOST:-}" ] || clean_local
	rm -rf "$tmp"
	[ "$started" = 0 ] || "$services" stop
}
trap cleanup EXIT

# shellcheck disable=SC1091
. "$ECRA_SERVICES_ENV"
export HOME=$tmp/home TMPDIR=$tmp/tmp
export CDK_DOCKER=$ECRA_DOCKER
mkdir -p "$HOME" "$TMPDIR"
repo=cdk-hnb659fds-container-assets-$ECRA_AWS_ACCOUNT-$AWS_REGION
cd "$tmp"

# check_tags DIR WHO: every tag of DIR/tags is in the registry.
check_tags() {
	local have missing
	have=$(curl -sf --noproxy '*' \
		-u "$ECRA_REGISTRY_USER:$ECRA_REGISTRY_PASSWORD" \
		"http://$ECRA_AUTH_REGISTRY/v2/$repo/tags/list")
	missing=$(python3 -c '
import json, sys
have = set(json.loads(sys.argv[1]).get("tags") or [])
want = open(sys.argv[2]).read().split()
print(sum(1 for t in want if t not in have))' "$have" "$1/tags")
	[ "$missing" = 0 ] || die "$2: $missing of $n tags missing in the registry"
	echo "$2: all $n tags in $ECRA_AUTH_REGISTRY/$repo"
}

# the fresh-workload preparation: new contents and tags, no local images
{
	echo '#!/bin/sh'
	echo "'$ECRA_DOCKER' images --format '{{.Repository}}:{{.Tag}}' |"
	echo "	grep -E '^(cdkasset-|$ECRA_AUTH_REGISTRY/cdk-hnb659fds-)' |"
	echo "	xargs -r '$ECRA_DOCKER' rmi -f >/dev/null 2>&1"
	echo "exec '$here/gen.sh' '$tmp/fresh' '$n' \"fresh-\$(date +%s%N)\""
} >"$tmp/prep-fresh"
chmod +x "$tmp/prep-fresh"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

echo "== noop: $n images already in the registry"
"$here/gen.sh" "$tmp/noop" "$n" "noop-$$-$(date +%s%N)"
"$ecra" publish "$tmp/noop/assets.json" --parallel 4 \
	>"$tmp/noop-first.out" 2>&1 || {
	cat "$tmp/noop-first.out" >&2
	die "first publish failed"
}
check_tags "$tmp/noop" "ecr-assets (first publish)"
clean_local
"$cdk" -p "$tmp/noop/assets.json" publish >"$tmp/noop-cdk.out" 2>&1 || {
	cat "$tmp/noop-cdk.out" >&2
	die "cdk-assets no-op publish failed"
}
! grep -q 'build:' "$tmp/noop-cdk.out" ||
	die "cdk-assets rebuilt an image in the no-op workload"
echo "cdk-assets: found all $n, no build"
hyperfine -N --warmup 1 --runs "$runs" --export-json "$tmp/noop.json" \
	-n "ecr-assets publish" "$ecra publish $tmp/noop/assets.json" \
	-n "ecr-assets publish --parallel 4" \
	"$ecra publish $tmp/noop/assets.json --parallel 4" \
	-n "cdk-assets publish" "$cdk -p $tmp/noop/assets.json publish"

echo "== fresh: $n new images per run (build, tag, push)"
"$tmp/prep-fresh"
"$ecra" publish "$tmp/fresh/assets.json" --parallel 4 \
	>"$tmp/fresh-ours.out" 2>&1 || {
	cat "$tmp/fresh-ours.out" >&2
	die "ecr-assets fresh publish failed"
}
check_tags "$tmp/fresh" "ecr-assets --parallel 4"
"$tmp/prep-fresh"
"$cdk" -p "$tmp/fresh/assets.json" publish >"$tmp/fresh-cdk.out" 2>&1 || {
	cat "$tmp/fresh-cdk.out" >&2
	die "cdk-assets fresh publish failed"
}
check_tags "$tmp/fresh" "cdk-assets"
hyperfine -N --runs "$fresh_runs" --prepare "$tmp/prep-fresh" \
	--export-json "$tmp/fresh.json" \
	-n "ecr-assets publish --parallel 4" \
	"$ecra publish $tmp/fresh/assets.json --parallel 4" \
	-n "cdk-assets publish" "$cdk -p $tmp/fresh/assets.json publish"
# the last timed run (cdk-assets) published too
check_tags "$tmp/fresh" "cdk-assets (last timed run)"

echo
echo "machine: nproc $(nproc)," \
	"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "load average: $load_before (start), $(cut -d' ' -f1-3 /proc/loadavg) (end)"
echo "cdk-assets $("$cdk" --version 2>/dev/null || true)," \
	"$(hyperfine --version)"
python3 - "$tmp/noop.json" "$tmp/fresh.json" "$n" <<'PY'
import json, sys
n = sys.argv[3]
for path, title in ((sys.argv[1], "noop: %s images already present" % n),
                    (sys.argv[2], "fresh: %s new images per run" % n)):
    res = json.load(open(path))["results"]
    cdk = next(r for r in res if r["command"].startswith("cdk-assets"))
    cdk_cpu = cdk["user"] + cdk["system"]
    print("\n%s\n" % title)
    print("| Command | Mean [s] | Min [s] | Max [s] | User [s] | System [s]"
          " | cdk-assets / this (wall) | cdk-assets / this (CPU) |")
    print("|:---|---:|---:|---:|---:|---:|---:|---:|")
    for r in res:
        cpu = r["user"] + r["system"]
        print("| `%s` | %.3f ± %.3f | %.3f | %.3f | %.2f | %.2f | %.1fx | %.1fx |"
              % (r["command"], r["mean"], r["stddev"] or 0, r["min"], r["max"],
                 r["user"], r["system"], cdk["mean"] / r["mean"],
                 cdk_cpu / cpu if cpu else float("inf")))
PY
