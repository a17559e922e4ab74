#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/compat/cdk_assets_dropin.sh - ecr-assets-cdk-assets against the
# real cdk-assets 4.7.3 (tests/compat/node_modules/.bin/cdk-assets): the
# same command lines, as CDK Pipelines and CI scripts call it, on the same
# assemblies, through the ECR stand-in and the real dockerd of
# tests/integration/services.sh. For each invocation the exit codes must
# be equal, the progress lines equal (asset ids normalised), the docker
# argv equal, and the registry must end up with the same images (pulled
# back and run). Each tool gets its own copy of each assembly (same
# content, its own image tags), so neither finds the other's images.
#
# Needs: services.env sourced (DOCKER_HOST, ECRA_*), ECRA_DROPIN (the
# ecr-assets-cdk-assets binary). Skipped (77) otherwise.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${ECRA_CLI:=${ECRA_DROPIN:-}}"
export ECRA_CLI
# shellcheck source=../integration/publish_lib.sh
. "$here/../integration/publish_lib.sh"

upstream=$here/node_modules/.bin/cdk-assets
if ! [ -x "$upstream" ] || ! command -v node >/dev/null; then
	echo "skipped: cdk-assets 4.7.3 is not installed (scripts/install-deps.sh)"
	exit 77
fi
: "${ECRA_DROPIN:?set ECRA_DROPIN to the ecr-assets-cdk-assets binary}"
: "${ECRA_AUTH_REGISTRY:?}" "${ECRA_AWS_ACCOUNT:?}"
reg=$ECRA_AUTH_REGISTRY
repo=cdk-hnb659fds-container-assets-$ECRA_AWS_ACCOUNT-us-east-1
mkdir -p "$WORK/home" "$WORK/docker-config"
# cdk-assets runs `docker login` into $DOCKER_CONFIG: a private one, so its
# credentials never reach the services' config that other tests share.
echo '{}' >"$WORK/docker-config/config.json"
export DOCKER_CONFIG=$WORK/docker-config
run=$(date +%s%N)

# make_manifest DIR TOOL: an asset manifest (schema 54, the newest that
# cdk-assets 4.7.3 reads) with two images, one file asset without
# destinations, and an image whose build fails (in DIR/bad.assets.json).
# Tags are "<TOOL>-<run>-<n>", so ids normalise to "<n>".
make_manifest() {
	local d=$1 t=$2 k
	mkdir -p "$d"
	for k in 1 2 bad; do
		mkdir -p "$d/ctx$k"
		printf 'image %s\n' "$k" >"$d/ctx$k/payload"
		printf 'FROM %s\nCOPY payload /payload\nCMD ["cat", "/payload"]\n' \
			"$BASE_IMAGE" >"$d/ctx$k/Dockerfile"
	done
	printf 'FROM %s\nCOPY missing-file /nope\n' "$BASE_IMAGE" >"$d/ctxbad/Dockerfile"
	local role='arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-image-publishing-role-${AWS::AccountId}-${AWS::Region}'
	local r='cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}'
	cat >"$d/assets.json" <<EOF
{"version":"54.0.0",
 "files":{"tmpl":{"source":{"path":"Stack.template.json","packaging":"file"},"destinations":{}}},
 "dockerImages":{
  "$t-$run-1":{"displayName":"Stack/One","source":{"directory":"ctx1"},
   "destinations":{"current_account-current_region":{"repositoryName":"$r","imageTag":"$t-$run-1","assumeRoleArn":"$role"}}},
  "$t-$run-2":{"source":{"directory":"ctx2","dockerBuildArgs":{"B":"x y","10":"ten"}},
   "destinations":{"current_account-current_region":{"repositoryName":"$r","imageTag":"$t-$run-2","assumeRoleArn":"$role"}}}}}
EOF
	cat >"$d/bad.assets.json" <<EOF
{"version":"54.0.0","dockerImages":{
  "$t-$run-bad":{"source":{"directory":"ctxbad"},
   "destinations":{"d":{"repositoryName":"$r","imageTag":"$t-$run-bad"}}},
  "$t-$run-2":{"source":{"directory":"ctx2","dockerBuildArgs":{"B":"x y","10":"ten"}},
   "destinations":{"d":{"repositoryName":"$r","imageTag":"$t-$run-2"}}}}}
EOF
}

# normalise TOOL: ids and per-run paths replaced, docker noise dropped.
normalise() {
	sed -e "s/$1-$run-/ID-/g" -e "s#$WORK/$1#DIR#g" -e 's/\[[0-9]*%\]/[P%]/'
}

# invoke NAME ARGS...: run both tools with ARGS (in their own copy of the
# assemblies, `{}` in ARGS replaced by it, `{t}` by its tag prefix); compare exit codes, progress
# lines and docker argv.
invoke() {
	local name=$1 t rc dir
	shift
	for t in up ours; do
		local bin=$upstream
		[ $t = ours ] && bin=$ECRA_DROPIN
		dir=$WORK/$t
		local args=()
		local a
		for a in "$@"; do
			a=${a//\{\}/$dir}
			args+=("${a//\{t\}/$t-$run}")
		done
		: >"$LOG"
		rc=0
		(cd "$dir" && HOME=$WORK/home "$bin" "${args[@]}") \
			>"$WORK/$t.stdout" 2>"$WORK/$t.stderr" </dev/null || rc=$?
		echo "$rc" >"$WORK/$t.rc"
		# progress lines, and the first line of each failure (upstream
		# prints the JS stack after it)
		grep -E '^(info|verbose|error) *: |^Failure:' "$WORK/$t.stderr" |
			normalise $t |
			sed -e 's/^\(Failure:\) Error: \(.\{0,80\}\).*/\1 \2/' \
			>"$WORK/$t.progress" || true
		normalise $t <"$LOG" >"$WORK/$t.argv"
		grep -vE '^ ' "$WORK/$t.stdout" | normalise $t >"$WORK/$t.out" || true
	done
	if [ "$(cat "$WORK/up.rc")" != "$(cat "$WORK/ours.rc")" ]; then
		cat "$WORK/up.stderr" "$WORK/ours.stderr" >&2
		fail "$name: exit $(cat "$WORK/ours.rc"), cdk-assets exits $(cat "$WORK/up.rc")"
	fi
	echo "ok: $name: both exit $(cat "$WORK/ours.rc")"
}
# Compared without the verbose debug and shell_open lines: cdk-assets
# 4.7.3 prints the event type instead of the message for those emitted
# while building ("debug: debug", "debug: shell_open"; its forBuild
# eventEmitter drops the message), ours print the message.
same_progress() {
	local t
	for t in up ours; do
		# A failed docker command: cdk-assets quotes docker's first
		# stderr line (often the legacy-builder banner), ours the last
		# meaningful one (docs/cdk-assets.md); the rest must agree.
		grep -vE '\] (debug|shell_open): ' "$WORK/$t.progress" |
			sed -E 's/(exited with error code [0-9]+): .*/\1/' >"$WORK/$t.cmp" || true
	done
	diff -u "$WORK/up.cmp" "$WORK/ours.cmp" >&2 ||
		fail "$1: progress lines differ from cdk-assets"
	echo "ok: $1: $(grep -c . "$WORK/ours.cmp") identical progress lines"
}
same_argv() {
	diff -u "$WORK/up.argv" "$WORK/ours.argv" >&2 || fail "$1: docker argv differ from cdk-assets"
	echo "ok: $1: $(grep -c . "$WORK/ours.argv") identical docker calls"
}
same_stdout() {
	diff -u "$WORK/up.out" "$WORK/ours.out" >&2 || fail "$1: stdout differs from cdk-assets"
}
# has_tags TOOL N...: the registry holds <TOOL>-<run>-<n> for each n
has_tags() {
	local t=$1 n tags
	shift
	tags=$(tags_of "$reg" "$repo" "$ECRA_REGISTRY_USER:$ECRA_REGISTRY_PASSWORD")
	for n in "$@"; do
		grep -qF "\"$t-$run-$n\"" <<<"$tags" || fail "$t-$run-$n not in the registry"
	done
}
lacks_tags() {
	local t=$1 n tags
	shift
	tags=$(tags_of "$reg" "$repo" "$ECRA_REGISTRY_USER:$ECRA_REGISTRY_PASSWORD")
	for n in "$@"; do
		! grep -qF "\"$t-$run-$n\"" <<<"$tags" || fail "$t-$run-$n was published"
	done
}

make_manifest "$WORK/up" up
make_manifest "$WORK/ours" ours
CLEAN_IMAGES+=("cdkasset-up-$run-1" "cdkasset-up-$run-2" "cdkasset-ours-$run-1" "cdkasset-ours-$run-2")

echo "== command-line errors"
invoke "no command"
invoke "unknown command" frobnicate
invoke "unknown option" publish --bogus
invoke "-p without a value" publish -p
invoke "ls takes no ASSET" ls extra
invoke "missing manifest" -p {}/nope.assets.json publish
invoke "bad pattern" -p {} publish a:b:c
invoke "empty pattern" -p {} publish ""

echo "== ls"
invoke "ls -p DIR" -p {} ls
same_stdout "ls -p DIR"
invoke "ls --path FILE" --path {}/bad.assets.json ls
same_stdout "ls --path FILE"

echo "== a selection that matches nothing"
invoke "nothing selected" -p {}/assets.json --verbose publish nosuch:asset
same_progress "nothing selected"
lacks_tags up 1 2
lacks_tags ours 1 2

echo "== publish one destination (a CDK Pipelines asset action)"
invoke "publish ASSET:DEST" --path {}/assets.json --verbose publish "{t}-1:current_account-current_region"
same_progress "publish ASSET:DEST"
same_argv "publish ASSET:DEST"
has_tags up 1
has_tags ours 1
lacks_tags ours 2
echo "== publish everything (-p FILE publish), then again"
invoke "publish -p FILE" -p {}/assets.json publish
same_progress "publish -p FILE"
same_argv "publish -p FILE"
has_tags up 1 2
has_tags ours 1 2
for n in 1 2; do
	pull_and_run "$reg/$repo:up-$run-$n" "image $n"
	pull_and_run "$reg/$repo:ours-$run-$n" "image $n"
done
invoke "publish again (found)" -v -p {} publish
same_progress "publish again (found)"
same_argv "publish again (found)"
[ "$(grep -c . "$WORK/ours.argv")" = 0 ] || fail "docker ran for present images"

echo "== a failing build: exit 1, the other image still published"
invoke "failing build" -p {}/bad.assets.json publish
same_progress "failing build"
same_argv "failing build"
lacks_tags up bad
lacks_tags ours bad

echo "== --profile (credentials from the shared credentials file only)"
creds=$WORK/creds
printf '[pipeline]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
	"$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >"$creds"
(
	export AWS_SHARED_CREDENTIALS_FILE=$creds
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	invoke "publish --profile" -p {} publish --profile pipeline
	same_progress "publish --profile"
)
echo "cdk_assets_dropin: ok"
