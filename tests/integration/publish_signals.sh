#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/publish_signals.sh - every way a publish run can end
# removes its private docker config, and a signal ends it promptly and
# says so (registry mode, real dockerd and docker-registry):
#   - stdout closed (`... --json | head -1`, with --password-stdin): no
#     death by SIGPIPE, the run finishes, no config left;
#   - SIGTERM to the tool alone during `docker build`: passed on to the
#     docker child, exit 143, "interrupted by SIGTERM", nothing tagged;
#   - SIGINT to the whole process group (a terminal's Ctrl-C) during
#     `docker push`: exit 130, nothing left;
#   - SIGKILL: the config stays, and the next run removes it;
#   - a failing docker child: exit 1, nothing left;
#   - a daemonless tarball push interrupted mid-upload (a slow proxy in
#     front of the registry): transfers stop within a second, the open
#     upload session is DELETEd, no manifest PUT, exit 130.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=publish_lib.sh
. "$here/publish_lib.sh"

acct=123456789012
repo=cdk-hnb659fds-container-assets-$acct-us-east-1

# A docker wrapper that blocks in `build` or `push` (when $WORK/block-<cmd>
# exists) until a signal arrives, and records which one.
cat >"$WORK/slow-docker" <<EOF
#!/bin/sh
cmd=\$1
[ "\$cmd" = --config ] && cmd=\$3
echo "\$cmd" >>"$LOG"
if [ -e "$WORK/block-\$cmd" ]; then
	trap 'echo INT >>"$WORK/child-signals"; exit 130' INT
	trap 'echo TERM >>"$WORK/child-signals"; exit 143' TERM
	echo \$\$ >"$WORK/child.pid"
	i=0
	while [ \$i -lt 600 ]; do sleep 0.1; i=\$((i+1)); done
	echo "not interrupted" >>"$WORK/child-signals"
	exit 0
fi
exec "$REAL_DOCKER" "\$@"
EOF
chmod +x "$WORK/slow-docker"

# start_blocked ARGS...: start_bg with the wrapper's records reset.
start_blocked() {
	rm -f "$WORK/child-signals" "$WORK/child.pid"
	start_bg "$@"
}
wait_for() { # FILE SECONDS
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	fail "timed out waiting for $1"
}
no_tag() { # REGISTRY REPO TAG
	! tags_of "$1" "$2" | grep -qF "\"$3\"" || fail "$2:$3 was tagged"
}
configs_left() {
	find "$TMPDIR" -mindepth 1 -maxdepth 1 \( -name 'ecra-docker-*' -o -name 'cdkDockerConfig-ecra-*' \) | wc -l
}

app=$WORK/app
id1=$(printf 'sig-%s' "$$$(date +%s%N)" | sha256sum | cut -c1-64)
make_app "$app" SigStack "$id1" "signals $id1"

echo "== stdout closed (| head -1) with --password-stdin: no SIGPIPE death"
set +o pipefail
printf '%s\n' "$ECRA_REGISTRY_PASSWORD" | "$ECRA_CLI" publish "$app" \
	--registry "$ECRA_AUTH_REGISTRY" --account $acct \
	--username "$ECRA_REGISTRY_USER" --password-stdin --json 2>"$WORK/err" |
	head -1 >"$WORK/out"
rc=${PIPESTATUS[1]}
set -o pipefail
[ "$rc" != 141 ] || fail "publish died of SIGPIPE"
[ "$rc" = 0 ] || fail "publish exited $rc with a closed stdout: $(cat "$WORK/err")"
grep -q '"type":"start"' "$WORK/out" || fail "no first JSON line"
[ "$(configs_left)" = 0 ] || fail "a private docker config was left after EPIPE"
no_secret "$ECRA_REGISTRY_PASSWORD"
tags_of "$ECRA_AUTH_REGISTRY" "$repo" "$ECRA_REGISTRY_USER:$ECRA_REGISTRY_PASSWORD" |
	grep -qF "\"$id1\"" || fail "the run did not finish after EPIPE"

export CDK_DOCKER=$WORK/slow-docker
id2=$(printf 'sig2-%s' "$$$(date +%s%N)" | sha256sum | cut -c1-64)
make_app "$app" SigStack "$id2" "signals $id2"

echo "== SIGTERM to the tool alone during docker build: forwarded, exit 143"
touch "$WORK/block-build"
start_blocked "$app" --registry "$ECRA_REGISTRY" --account $acct
wait_for "$WORK/child.pid" 60
t0=$(date +%s%N)
kill -TERM "$bg"
wait_bg 143
[ "$(ms_since "$t0")" -lt 5000 ] || fail "the run took $(ms_since "$t0") ms to stop"
grep -qx TERM "$WORK/child-signals" || fail "docker build did not get SIGTERM"
expect_failure "interrupted by SIGTERM: "
expect_out "error  : interrupted by SIGTERM"
expect_no_out "published 1"
! grep -qx push "$LOG" || fail "docker push ran after the signal"
[ "$(configs_left)" = 0 ] || fail "a private docker config was left after SIGTERM"
no_tag "$ECRA_REGISTRY" "$repo" "$id2"
rm -f "$WORK/block-build"

echo "== SIGINT to the process group (Ctrl-C) during docker push: exit 130"
touch "$WORK/block-push"
start_blocked "$app" --registry "$ECRA_REGISTRY" --account $acct
wait_for "$WORK/child.pid" 120
kill -INT -- "-$bg"
wait_bg 130
grep -qx INT "$WORK/child-signals" || fail "docker push did not get SIGINT"
expect_failure "interrupted by SIGINT: "
expect_out "error  : interrupted by SIGINT"
expect_out "published 0"
[ "$(configs_left)" = 0 ] || fail "a private docker config was left after SIGINT"
no_tag "$ECRA_REGISTRY" "$repo" "$id2"

echo "== SIGKILL leaves the config; the next run removes it"
start_blocked "$app" --registry "$ECRA_REGISTRY" --account $acct
wait_for "$WORK/child.pid" 120
kill -KILL "$bg"
wait "$bg" 2>/dev/null || true
kill -TERM "$(cat "$WORK/child.pid")" 2>/dev/null || true
[ "$(configs_left)" = 1 ] || fail "expected the killed run's config in TMPDIR"
left=$(find "$TMPDIR" -mindepth 1 -maxdepth 1 -name 'ecra-docker-*')
case $(basename "$left") in
"ecra-docker-$bg-"*) ;;
*) fail "the config '$left' is not named after the run's pid $bg" ;;
esac
rm -f "$WORK/block-push"
run_cli 0 "$app" --registry "$ECRA_REGISTRY" --account $acct --verbose
expect_out "Removed 1 private docker config left in the temp dir by killed runs"
[ "$(configs_left)" = 0 ] || fail "the stale config was not removed"
tags_of "$ECRA_REGISTRY" "$repo" | grep -qF "\"$id2\"" || fail "$id2 not published"

echo "== a failing docker child: exit 1, nothing left"
id3=$(printf 'sig3-%s' "$$$(date +%s%N)" | sha256sum | cut -c1-64)
make_app "$app" SigStack "$id3" "signals $id3"
printf 'FROM %s\nRUN exit 3\n' "$BASE_IMAGE" >"$app/asset.$id3/Dockerfile"
run_cli 1 "$app" --registry "$ECRA_REGISTRY" --account $acct
[ "$(configs_left)" = 0 ] || fail "a private docker config was left after a failed build"
export CDK_DOCKER=$WORK/docker-log

echo "== daemonless tarball push interrupted mid-upload"
start_flaky_proxy "$ECRA_REGISTRY"
# An image with a 3 MiB incompressible layer, saved by docker.
tarapp=$WORK/tarapp
mkdir -p "$tarapp/ctx"
head -c 3145728 /dev/urandom >"$tarapp/ctx/big"
printf 'FROM %s\nCOPY big /big\n' "$BASE_IMAGE" >"$tarapp/ctx/Dockerfile"
tag=ecra-sigtar-$$
"$REAL_DOCKER" build -q -t "$tag" "$tarapp/ctx" >/dev/null
CLEAN_IMAGES+=("$tag")
"$REAL_DOCKER" save -o "$tarapp/image.tar" "$tag"
trepo=ecra/sig-tar-$$
tarball_manifest "$tarapp/T.assets.json" "$trepo" t1
flaky '{"fail":-1,"match":"blobs","mode":"slow","rate":131072}'
CDK_DOCKER=/nonexistent/docker start_bg "$tarapp/T.assets.json" \
	--registry "$proxy" --daemonless-tarballs
# Mid-upload: a blob write has started.
for _ in $(seq 200); do
	[ "$(flaky_stat writes)" -ge 2 ] && break
	sleep 0.1
done
sleep 1
t0=$(date +%s%N)
kill -INT "$bg"
wait_bg 130
[ "$(ms_since "$t0")" -lt 3000 ] || fail "the push took $(ms_since "$t0") ms to stop"
expect_failure "interrupted by SIGINT: "
expect_out "error  : interrupted by SIGINT"
expect_out "published 0"
[ "$(flaky_stat manifest_puts)" = 0 ] || fail "a manifest was PUT after the signal"
[ "$(flaky_stat deletes)" -ge 1 ] || fail "the open upload session was not cancelled (no DELETE)"
no_tag "$ECRA_REGISTRY" "$trepo" t1
[ "$(configs_left)" = 0 ] || fail "a private docker config was left after the daemonless push"

echo "== the same push without a signal completes"
flaky '{"fail":0}'
CDK_DOCKER=/nonexistent/docker run_cli 0 "$tarapp/T.assets.json" \
	--registry "$proxy" --daemonless-tarballs
tags_of "$ECRA_REGISTRY" "$trepo" | grep -qF '"t1"' || fail "t1 not in the registry"
no_temp_left
echo "ok"
