#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/publish_registry.sh - `ecr-assets publish --registry`
# end to end with the real dockerd and docker-registry: publish an
# assembly, pull the image back and run it; a second run does no docker
# work at all; a changed file publishes exactly one new tag; htpasswd
# auth with --username/--password-stdin; and the failure paths (docker
# missing, daemon down, build error, wrong password, no credentials,
# registry down, malformed manifest, executable printing nothing), each
# with a clear message, exit 1, no leaked password and no temp config
# left behind.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=publish_lib.sh
. "$here/publish_lib.sh"

acct=123456789012
repo=cdk-hnb659fds-container-assets-$acct-us-east-1
app=$WORK/app
id1=$(printf 'one-%s' "$$$(date +%s%N)" | sha256sum | cut -c1-64)
make_app "$app" AppStack "$id1" "hello $id1"

echo "== first publish (plain registry)"
run_cli 0 "$app" --registry "$ECRA_REGISTRY" --account $acct --verbose
expect_out "info   : [0%] start: Publishing AppStack/Image (current_account-current_region-0a1b2c3d)"
expect_out "verbose: [0%] check: Check $ECRA_REGISTRY/$repo:$id1"
expect_out "build: Building Docker image at $app/asset.$id1"
expect_out "upload: Push $ECRA_REGISTRY/$repo:$id1"
expect_out "info   : [100%] success: Published AppStack/Image"
expect_out "published 1, skipped 0 (already present), failed 0; 1 builds"
# The docker argv, exactly as cdk-assets runs them (no login: no creds).
printf 'inspect\tcdkasset-%s\nbuild\t--tag\tcdkasset-%s\t.\ntag\tcdkasset-%s\t%s\npush\t%s\n' \
	"$id1" "$id1" "$id1" "$ECRA_REGISTRY/$repo:$id1" \
	"$ECRA_REGISTRY/$repo:$id1" >"$WORK/want"
diff -u "$WORK/want" "$LOG" || fail "docker argv differ"
tags_of "$ECRA_REGISTRY" "$repo" | grep -qF "\"$id1\"" || fail "tag not in registry"
no_temp_left
pull_and_run "$ECRA_REGISTRY/$repo:$id1" "hello $id1"

echo "== second publish: nothing to do, no docker process"
run_cli 0 "$app" --registry "$ECRA_REGISTRY" --account $acct --verbose
expect_out "found: Found $ECRA_REGISTRY/$repo:$id1"
expect_out "published 0, skipped 1"
[ "$(docker_calls)" = 0 ] || fail "docker was run on a no-op publish: $(cat "$LOG")"

echo "== default output: one line per asset step, no debug lines"
run_cli 0 "$app" --registry "$ECRA_REGISTRY" --account $acct
expect_out "info   : [0%] start: Publishing AppStack/Image"
expect_out "verbose: [0%] check: Check $ECRA_REGISTRY/$repo:$id1"
expect_out "found: Found $ECRA_REGISTRY/$repo:$id1"
expect_out "published 0, skipped 1"
expect_no_out "debug:"
echo "== --quiet: only what cdk-assets prints by default"
run_cli 0 "$app" --registry "$ECRA_REGISTRY" --account $acct --quiet
expect_out "info   : [0%] start: Publishing AppStack/Image"
expect_no_out "check:"
expect_no_out "found:"
expect_out "published 0, skipped 1"

echo "== a changed file publishes exactly one new tag"
app2=$WORK/app2
id2=$(printf 'two-%s' "$$$(date +%s%N)" | sha256sum | cut -c1-64)
make_app "$app2" AppStack "$id2" "changed $id2"
run_cli 0 "$app" "$app2" --registry "$ECRA_REGISTRY" --account $acct
expect_out "published 1, skipped 1 (already present), failed 0; 1 builds"
[ "$(grep -c '^push' "$LOG")" = 1 ] || fail "expected exactly one push"
pull_and_run "$ECRA_REGISTRY/$repo:$id2" "changed $id2"

echo "== --force pushes again, reusing the cached local image"
run_cli 0 "$app" --registry "$ECRA_REGISTRY" --account $acct --force --verbose
expect_out "cached: Cached cdkasset-$id1"
grep -q '^push' "$LOG" || fail "--force did not push"
! grep -q '^build' "$LOG" || fail "--force rebuilt a cached image"

echo "== --dry-run prints the plan and runs no docker"
"$REAL_DOCKER" rmi -f "cdkasset-$id2" >/dev/null 2>&1 || true
id3=$(printf 'three-%s' "$$$(date +%s%N)" | sha256sum | cut -c1-64)
app3=$WORK/app3
make_app "$app3" Other "$id3" "third $id3"
run_cli 0 "$app3" --registry "$ECRA_REGISTRY" --account $acct --dry-run
expect_out "would publish 1"
[ "$(docker_calls)" = 0 ] || fail "docker was run in a dry run"
! tags_of "$ECRA_REGISTRY" "$repo" | grep -qF "\"$id3\"" || fail "dry run pushed"

echo "== --json: one JSON object per line on stdout"
: >"$LOG"
"$ECRA_CLI" publish "$app" --registry "$ECRA_REGISTRY" --account $acct --json \
	>"$WORK/json" 2>"$WORK/json.err" || fail "--json run failed"
python3 -c '
import json, sys
types = [json.loads(l)["type"] for l in open(sys.argv[1])]
assert types[0] == "start" and "found" in types and types[-1] == "summary", types
' "$WORK/json" || fail "bad --json output: $(cat "$WORK/json")"

echo "== --daemonless-tarballs: a TarballImageAsset pushed without docker"
tarapp=$WORK/tarapp
mkdir -p "$tarapp"
"$REAL_DOCKER" pull "$ECRA_REGISTRY/$repo:$id1" >/dev/null
"$REAL_DOCKER" save -o "$tarapp/asset.$id1.tar" "$ECRA_REGISTRY/$repo:$id1"
cat >"$tarapp/T.assets.json" <<EOF
{"version":"55.0.0","dockerImages":{"tar$id1":{"source":{"executable":["sh","-c","docker load -i \"\$1\" | tail -n 1 | sed \"s/Loaded image[^:]*: //g\"","cdk-tarball-image-asset","asset.$id1.tar"]},
 "destinations":{"d":{"repositoryName":"ecra/tarball","imageTag":"tar-$id1"}}}}}
EOF
CDK_DOCKER=/nonexistent/docker DOCKER_HOST=unix://$WORK/none.sock \
	run_cli 0 "$tarapp/T.assets.json" --registry "$ECRA_REGISTRY" --daemonless-tarballs --verbose
expect_out "build: Pushing tarball $tarapp/asset.$id1.tar without docker"
expect_out "published 1"
pull_and_run "$ECRA_REGISTRY/ecra/tarball:tar-$id1" "hello $id1"
run_cli 0 "$tarapp/T.assets.json" --registry "$ECRA_REGISTRY" --daemonless-tarballs
expect_out "skipped 1"

echo "== auth registry: no credentials -> clear error"
run_cli 1 "$app" --registry "$ECRA_AUTH_REGISTRY" --account $acct
expect_out "requires authentication"
no_temp_left

echo "== auth registry: wrong password"
run_cli_stdin "not-the-$ECRA_REGISTRY_PASSWORD" 1 "$app" --registry "$ECRA_AUTH_REGISTRY" \
	--account $acct --username "$ECRA_REGISTRY_USER" --password-stdin
expect_out "refused the credentials of user '$ECRA_REGISTRY_USER'"
no_secret_argv "not-the-$ECRA_REGISTRY_PASSWORD"
no_temp_left

echo "== auth registry: --username/--password-stdin, --parallel"
run_cli_stdin "$ECRA_REGISTRY_PASSWORD" 0 "$app" "$app2" "$app3" \
	--registry "$ECRA_AUTH_REGISTRY" --account $acct \
	--username "$ECRA_REGISTRY_USER" --password-stdin --parallel 3 --verbose
expect_out "published 3, skipped 0"
[ "$(grep -c '^login' "$LOG")" = 1 ] || fail "expected exactly one docker login"
grep -q "^login	--username	$ECRA_REGISTRY_USER	--password-stdin	$ECRA_AUTH_REGISTRY\$" "$LOG" ||
	fail "login argv: $(grep '^login' "$LOG")"
no_secret_argv "$ECRA_REGISTRY_PASSWORD" "$(printf '%s:%s' "$ECRA_REGISTRY_USER" "$ECRA_REGISTRY_PASSWORD" | base64)"
no_temp_left
tags_of "$ECRA_AUTH_REGISTRY" "$repo" "$ECRA_REGISTRY_USER:$ECRA_REGISTRY_PASSWORD" |
	grep -qF "\"$id3\"" || fail "tag not in the auth registry"
# The user's own docker config was not written.
! grep -qF "$ECRA_AUTH_REGISTRY" "$DOCKER_CONFIG/config.json" ||
	fail "the user's DOCKER_CONFIG was written"

echo "== failure: docker missing"
id4=$(printf 'four-%s' "$$$(date +%s%N)" | sha256sum | cut -c1-64)
app4=$WORK/app4
make_app "$app4" Four "$id4" "four"
CDK_DOCKER=/nonexistent/docker run_cli 1 "$app4" --registry "$ECRA_REGISTRY" --account $acct
expect_out "docker not found (set CDK_DOCKER or install docker)"
expect_out "Failure: "
no_temp_left

echo "== failure: daemon down"
DOCKER_HOST=unix://$WORK/no-such.sock run_cli 1 "$app4" --registry "$ECRA_REGISTRY" --account $acct
expect_out "cannot reach the docker daemon"
no_temp_left

echo "== failure: build error, other assets still publish"
app5=$WORK/app5
id5=$(printf 'five-%s' "$$$(date +%s%N)" | sha256sum | cut -c1-64)
make_app "$app5" Five "$id5" "five" "" ',"dockerBuildArgs":{"SECRET_ARG":"s3cr3t-build-value"}'
echo 'COPY does-not-exist /x' >>"$app5/asset.$id5/Dockerfile"
run_cli 1 "$app5" "$app4" --registry "$ECRA_REGISTRY" --account $acct
expect_out "exited with error code"
expect_out "--build-arg 'SECRET_ARG=<redacted>'"
expect_out "published 1, skipped 0 (already present), failed 1"
no_secret "s3cr3t-build-value"
CLEAN_IMAGES+=("$ECRA_REGISTRY/$repo:$id4")

echo "== failure: registry down"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
run_cli 1 "$app" --registry "127.0.0.1:$port" --account $acct
expect_out "registry '127.0.0.1:$port'"
[ "$(docker_calls)" = 0 ] || fail "docker ran although the check failed"

echo "== failure: malformed manifest"
echo '{"version":"55.0.0","dockerImages":{"x":{"source":{"directory":"d"},"destinations":{"d":{"repositoryName":"r","imageTag":7}}}}}' \
	>"$WORK/bad.assets.json"
run_cli 1 "$WORK/bad.assets.json" --registry "$ECRA_REGISTRY"
expect_out "'dockerImages.x.destinations.d.imageTag' must be a string, got number"

echo "== failure: an executable that prints no image name"
app6=$WORK/app6
mkdir -p "$app6"
cat >"$app6/x.assets.json" <<EOF
{"version":"55.0.0","dockerImages":{"ex":{"source":{"executable":["sh","-c","true"]},
 "destinations":{"d":{"repositoryName":"ecra/test","imageTag":"exec-$id1"}}}}}
EOF
run_cli 1 "$app6/x.assets.json" --registry "$ECRA_REGISTRY"
expect_out "executable printed no image name"

echo "== SIGTERM: stops, cleans up, exit 143"
cat >"$WORK/slow-docker" <<'EOF2'
#!/bin/sh
case "$1" in inspect) exit 1 ;; build) sleep 2 ;; esac
exit 0
EOF2
chmod +x "$WORK/slow-docker"
rc=0
CDK_DOCKER=$WORK/slow-docker "$ECRA_CLI" publish "$app5" "$app6/x.assets.json" \
	--registry "$ECRA_REGISTRY" --account $acct >"$WORK/out" 2>&1 &
pid=$!
sleep 1
kill -TERM "$pid"
wait "$pid" || rc=$?
[ "$rc" = 143 ] || fail "interrupted publish exited $rc, expected 143"
expect_failure "interrupted by SIGTERM: not published"
expect_out "error  : interrupted by SIGTERM"
no_temp_left

echo "== usage errors"
run_cli 2 "$app" --parallel 0
run_cli 2 "$app" --username u
run_cli 2 "$app" --bogus
no_temp_left
echo "publish_registry: ok"
