# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/publish_lib.sh - shared helpers of the publish
# integration scripts (sourced): a scratch directory, a CDK_DOCKER wrapper
# that logs every docker argv, writing assemblies, running the CLI and
# checking its output for leaked secrets.

if [ -z "${DOCKER_HOST:-}" ] || [ -z "${ECRA_REGISTRY:-}" ]; then
	echo "skipped: source tests/integration/services.env first"
	exit 77
fi
: "${ECRA_CLI:?set ECRA_CLI to the ecr-assets binary}"
REAL_DOCKER=${ECRA_DOCKER:-docker}
BASE_IMAGE=${ECRA_BASE_IMAGE:-ecra-busybox:latest}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ecra-pub-XXXXXX")
# Temp dirs of the runs go here, so leftovers can be counted.
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR"
LOG=$WORK/docker-argv.log
CLEAN_IMAGES=()

cleanup() {
	local n
	for n in "${CLEAN_IMAGES[@]}"; do
		"$REAL_DOCKER" rmi -f "$n" >/dev/null 2>&1 || true
	done
	if [ -n "${ECRA_KEEP_WORK:-}" ]; then
		echo "kept $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	if [ -f "$WORK/out" ]; then
		echo "--- last output:" >&2
		cat "$WORK/out" >&2
	fi
	exit 1
}

# The CDK_DOCKER logging wrapper: one line per docker call (argv
# tab-joined), then the real CLI.
cat >"$WORK/docker-log" <<EOF
#!/bin/sh
{
	first=1
	for a in "\$@"; do
		if [ \$first = 1 ]; then printf '%s' "\$a"; first=0
		else printf '\t%s' "\$a"; fi
	done
	printf '\n'
} >>"$LOG"
exec "$REAL_DOCKER" "\$@"
EOF
chmod +x "$WORK/docker-log"
export CDK_DOCKER=$WORK/docker-log

# make_app DIR STACK ASSET_ID PAYLOAD [REPO] [EXTRA_SOURCE_JSON]
# A cloud assembly with one docker image asset.
make_app() {
	local dir=$1 stack=$2 id=$3 payload=$4
	local repo=${5:-'cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}'}
	local extra=${6:-}
	mkdir -p "$dir/asset.$id"
	printf '%s\n' "$payload" >"$dir/asset.$id/payload"
	printf 'FROM %s\nCOPY payload /payload\nCMD ["cat", "/payload"]\n' \
		"$BASE_IMAGE" >"$dir/asset.$id/Dockerfile"
	cat >"$dir/manifest.json" <<EOF
{"version":"55.0.0","artifacts":{
 "$stack.assets":{"type":"cdk:asset-manifest","properties":{"file":"$stack.assets.json","requiresBootstrapStackVersion":6,"bootstrapStackVersionSsmParameter":"/cdk-bootstrap/hnb659fds/version"}},
 "$stack":{"type":"aws:cloudformation:stack","environment":"aws://unknown-account/unknown-region","properties":{"templateFile":"$stack.template.json"},"dependencies":["$stack.assets"]}}}
EOF
	cat >"$dir/$stack.assets.json" <<EOF
{"version":"55.0.0","files":{"tmpl":{"source":{"path":"$stack.template.json","packaging":"file"},"destinations":{}}},
 "dockerImages":{"$id":{"displayName":"$stack/Image","source":{"directory":"asset.$id"$extra},
  "destinations":{"current_account-current_region-0a1b2c3d":{"repositoryName":"$repo","imageTag":"$id","assumeRoleArn":"arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/cdk-hnb659fds-image-publishing-role-\${AWS::AccountId}-\${AWS::Region}"}}}}}
EOF
	CLEAN_IMAGES+=("cdkasset-$id")
}

# run_cli EXPECTED_STATUS ARGS... : run ecr-assets publish, output in
# $WORK/out (stdout+stderr), argv log reset first.
run_cli() {
	local want=$1 rc=0
	shift
	: >"$LOG"
	"$ECRA_CLI" publish "$@" >"$WORK/out" 2>&1 </dev/null || rc=$?
	[ "$rc" = "$want" ] || fail "ecr-assets publish $* exited $rc, expected $want"
}

# Like run_cli, with stdin from a string.
run_cli_stdin() {
	local input=$1 want=$2 rc=0
	shift 2
	: >"$LOG"
	printf '%s\n' "$input" | "$ECRA_CLI" publish "$@" >"$WORK/out" 2>&1 || rc=$?
	[ "$rc" = "$want" ] || fail "ecr-assets publish $* exited $rc, expected $want"
}

expect_out() {
	grep -qF -- "$1" "$WORK/out" || fail "output lacks '$1'"
}

# expect_failure MSG: a "Failure: <asset>:<destination>: MSG..." line.
expect_failure() {
	grep '^Failure: ' "$WORK/out" | grep -qF -- ": $1" ||
		fail "output lacks a Failure line with '$1'"
}

expect_no_out() {
	! grep -qF -- "$1" "$WORK/out" || fail "output has '$1'"
}

# no_secret VALUE...: none of the values appears in the output or in any
# file left in TMPDIR.
no_secret() {
	local s
	for s in "$@"; do
		[ -n "$s" ] || continue
		! grep -qF -- "$s" "$WORK/out" || fail "a secret leaked into the output"
		! grep -rqF -- "$s" "$TMPDIR" 2>/dev/null || fail "a secret was left in TMPDIR"
	done
}

# no_secret_argv VALUE...: also never on a docker command line (passwords
# go through stdin).
no_secret_argv() {
	local s
	no_secret "$@"
	for s in "$@"; do
		[ -n "$s" ] || continue
		! grep -qF -- "$s" "$LOG" || fail "a secret leaked into docker argv"
	done
}

no_temp_left() {
	local left
	left=$(find "$TMPDIR" -mindepth 1 -maxdepth 1 \( -name 'ecra-docker-*' -o -name 'cdkDockerConfig-ecra-*' \) | wc -l)
	[ "$left" = 0 ] || fail "$left private docker config(s) left in TMPDIR"
}

docker_calls() {
	grep -c . "$LOG" || true
}

tags_of() { # REGISTRY REPO [USER:PASS]
	if [ -n "${3:-}" ]; then
		curl -s --noproxy '*' -u "$3" "http://$1/v2/$2/tags/list"
	else
		curl -s --noproxy '*' "http://$1/v2/$2/tags/list"
	fi
}

# pull_and_run REF EXPECTED: remove the local copy, pull, run offline.
pull_and_run() {
	local out
	CLEAN_IMAGES+=("$1")
	"$REAL_DOCKER" rmi -f "$1" >/dev/null 2>&1 || true
	"$REAL_DOCKER" pull "$1" >/dev/null || fail "docker pull $1"
	out=$("$REAL_DOCKER" run --rm --network none "$1") || fail "docker run $1"
	[ "$out" = "$2" ] || fail "$1 printed '$out', expected '$2'"
}

# start_flaky_proxy UPSTREAM: tests/integration/flaky_proxy.py in front
# of UPSTREAM; sets $proxy (host:port) and $proxy_pid, stopped at exit.
start_flaky_proxy() {
	rm -f "$WORK/proxy.port"
	python3 "$(dirname "${BASH_SOURCE[0]}")/flaky_proxy.py" --upstream "$1" \
		--port-file "$WORK/proxy.port" </dev/null >"$WORK/proxy.log" 2>&1 &
	proxy_pid=$!
	trap 'kill "$proxy_pid" 2>/dev/null || true; cleanup' EXIT
	for _ in $(seq 200); do
		[ -s "$WORK/proxy.port" ] && break
		sleep 0.1
	done
	[ -s "$WORK/proxy.port" ] || fail "flaky proxy did not start: $(cat "$WORK/proxy.log")"
	proxy=127.0.0.1:$(cat "$WORK/proxy.port")
}
flaky() { # JSON: set the faults
	curl -sf --noproxy '*' -X POST -d "$1" "http://$proxy/__flaky" >/dev/null ||
		fail "cannot configure the proxy"
}
flaky_stat() { # KEY: failed, writes, deletes or manifest_puts
	curl -sf --noproxy '*' "http://$proxy/__flaky" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# start_bg ARGS...: ecr-assets publish in the background, in its own
# process group (set -m), output in $WORK/out; $bg is its pid.
start_bg() {
	: >"$LOG"
	set -m
	"$ECRA_CLI" publish "$@" >"$WORK/out" 2>&1 </dev/null &
	bg=$!
	set +m
}
wait_bg() { # EXPECTED_STATUS
	local rc=0
	wait "$bg" || rc=$?
	[ "$rc" = "$1" ] || fail "publish exited $rc, expected $1"
}
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# tarball_manifest FILE REPO TAG: a TarballImageAsset of image.tar (next
# to FILE) as aws-cdk-lib writes it.
tarball_manifest() {
	printf '%s\n' '{"version":"55.0.0","dockerImages":{"tar1":{"source":{"executable":["sh","-c","docker load -i \"$1\" | tail -n 1 | sed \"s/Loaded image[^:]*: //g\"","cdk-tarball-image-asset","image.tar"]},' \
		" \"destinations\":{\"d\":{\"repositoryName\":\"$2\",\"imageTag\":\"$3\"}}}}}" >"$1"
}
