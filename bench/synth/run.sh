#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# bench/synth/run.sh - synthesis of an app with N container-image assets
# (default 50): `ecr-assets synth --app app.json` against aws-cdk-lib
# 2.276.0 synthesizing the same app (tests/compat/synth/oracle.js, i.e.
# `new App()` + DockerImageAsset + app.synth() under node), in the same
# run, with hyperfine when available.
#
#   bench/synth/run.sh [ECR_ASSETS] [N] [FILES_PER_CONTEXT]
#
# Each context is a Dockerfile, a .dockerignore and FILES_PER_CONTEXT
# (default 40) small files in three folders, so the run covers fingerprint,
# ignore rules, staging (copies) and writing the assembly. Every run starts
# cold: both outdirs and aws-cdk-lib's fingerprint disk cache
# (~/.cdk/cache, under a private HOME) are removed before each run.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
ecra=$(realpath "${1:-$src/build/ecr-assets}")
n=${2:-50}
files=${3:-40}
oracle="$src/tests/compat/synth/oracle.js"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ecra-bench-synth.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home"
mkdir -p "$HOME"
cd "$tmp"

# the app: N contexts, one stack, every image URI an output, a role
# pulling the first ten
i=0
assets=""
pulls=""
outs=""
while [ "$i" -lt "$n" ]; do
	d="ctx/image-$i"
	mkdir -p "$d/src" "$d/static/css" "$d/node_modules/dep"
	printf 'FROM scratch\nCOPY . /app\nARG N=%s\n' "$i" >"$d/Dockerfile"
	printf 'node_modules\n*.log\n!keep.log\n' >"$d/.dockerignore"
	j=0
	while [ "$j" -lt "$files" ]; do
		case $((j % 3)) in
		0) printf 'export const v%s = %s;\n' "$j" "$i" >"$d/src/m$j.js" ;;
		1) printf 'body { margin: %spx }\n' "$j" >"$d/static/css/s$j.css" ;;
		2) printf 'log %s\n' "$j" >"$d/debug$j.log" ;;
		esac
		j=$((j + 1))
	done
	printf 'module.exports = 1;\n' >"$d/node_modules/dep/index.js"
	sep=$([ "$i" -gt 0 ] && echo , || true)
	assets="$assets$sep{\"id\": \"Image$i\", \"directory\": \"$d\", \"buildArgs\": {\"N\": \"$i\"}}"
	# ten grants: more would overflow the role's inline policy, which
	# aws-cdk-lib splits into managed policies (see docs/compatibility.md)
	[ "$i" -lt 10 ] && pulls="$pulls$([ "$i" -gt 0 ] && echo , || true)\"Image$i\""
	outs="$outs$sep{\"id\": \"Uri$i\", \"imageUri\": \"Image$i\"}"
	i=$((i + 1))
done
cat >app.json <<JSON
{"stacks": [{"id": "BenchStack",
  "dockerImageAssets": [$assets],
  "roles": [{"id": "Puller", "assumedBy": "ecs-tasks.amazonaws.com", "pull": [$pulls]}],
  "outputs": [$outs]}]}
JSON

# both must produce the same assembly before they are timed
"$ecra" synth -q --app app.json -o "$tmp/out-ours"
node "$oracle" app.json "$tmp/out-cdk" >/dev/null 2>&1
node -e '
	const { compareAssemblies } = require(process.argv[1]);
	const p = compareAssemblies(process.argv[2], process.argv[3], []);
	if (p.length) { console.error(p.slice(0, 5).join("\n")); process.exit(1); }' \
	"$src/tests/compat/synth/compare.js" "$tmp/out-ours" "$tmp/out-cdk"
echo "bench synth: $n image assets x $((files + 3)) files; both assemblies identical"

ours="'$ecra' synth -q --app app.json -o '$tmp/out-ours'"
cdk="node '$oracle' app.json '$tmp/out-cdk' >/dev/null 2>&1"
prep="rm -rf '$tmp/out-ours' '$tmp/out-cdk' '$HOME/.cdk'"
if command -v hyperfine >/dev/null 2>&1; then
	hyperfine --warmup 1 --runs "${RUNS:-10}" --prepare "$prep" \
		--export-markdown "$tmp/result.md" \
		-n "ecr-assets synth" "$ours" -n "aws-cdk-lib synth (node)" "$cdk"
	cat "$tmp/result.md"
else
	for cmd in "$ours" "$cdk"; do
		sh -c "$prep"
		start=$(date +%s.%N)
		sh -c "$cmd"
		end=$(date +%s.%N)
		echo "$cmd: $(echo "$end - $start" | bc) s"
	done
fi
