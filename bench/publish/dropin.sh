#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/publish/dropin.sh DROPIN [N] - the no-op publish of a CDK
# Pipelines docker asset step: `cdk-assets -p FILE publish` with
# cdk-assets 4.7.3 against `ecr-assets-cdk-assets -p FILE publish`, same
# asset manifest (gen.sh, N images, default 20, all already in the
# registry), same services. Needs tests/integration/services.env sourced
# (the services of the caller's worktree); prints a hyperfine table.
# The fresh case (builds) is bench/publish/run.sh's: the drop-in runs
# the same publisher as `ecr-assets publish` (sequential).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dropin=$(realpath "$1")
n=${2:-20}
runs=${RUNS:-5}
upstream=$here/../../tests/compat/node_modules/.bin/cdk-assets
: "${DOCKER_HOST:?source tests/integration/services.env}" "${ECRA_ECR_ENDPOINT:?}"
work=$(mktemp -d "${TMPDIR:-/tmp}/ecra-dropin-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME=$work/home CDK_DOCKER=${ECRA_DOCKER:-docker}
mkdir -p "$HOME"
"$here/gen.sh" "$work/m" "$n" "dropin-$(date +%s%N)"
# publish once (and check that cdk-assets then finds everything)
"$dropin" -p "$work/m/assets.json" publish >/dev/null 2>"$work/first.log" ||
	{ cat "$work/first.log" >&2; exit 1; }
[ "$(grep -c 'success: Published' "$work/first.log")" = "$n" ] || { cat "$work/first.log" >&2; exit 1; }
"$upstream" -v -p "$work/m/assets.json" publish 2>"$work/up.log" >/dev/null
[ "$(grep -c 'found: Found' "$work/up.log")" = "$n" ] || { echo "cdk-assets rebuilt something" >&2; exit 1; }
hyperfine -N --warmup 1 --runs "$runs" --export-markdown "$work/table.md" \
	-n "ecr-assets-cdk-assets -p FILE publish" "$dropin -p $work/m/assets.json publish" \
	-n "cdk-assets -p FILE publish" "$upstream -p $work/m/assets.json publish" >&2
cat "$work/table.md"
