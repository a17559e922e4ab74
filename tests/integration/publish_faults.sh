#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/publish_faults.sh - registry faults in registry mode,
# with a docker-registry of this script's own (a free 127.0.0.1 port, its
# own data dir) behind tests/integration/flaky_proxy.py:
#   - the registry is killed (SIGKILL) while a daemonless push waits for
#     its manifest PUT: the push retries, fails with a clear message; the
#     registry is restarted and a second publish completes, uploading only
#     the manifest (the blobs that arrived are found by HEAD);
#   - the registry is killed mid-blob-upload: the same, and the second
#     publish completes;
#   - `docker push` to a killed registry fails with docker's message,
#     exit 1; after the restart it publishes;
#   - a non-retryable answer that is not a registry error document (HTML
#     502 from a "load balancer") is retried (5xx) and then reported with
#     its first line;
#   - a registry that accepts a request and never answers (slow loris) is
#     given up after the 30 s stall timeout, not hung on;
#   - a TarballImageAsset with the docker daemon down: the executable's
#     stderr ("Cannot connect to the Docker daemon") is in the failure,
#     with the hint that --daemonless-tarballs needs no daemon (#16.2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=publish_lib.sh
. "$here/publish_lib.sh"

acct=123456789012
repo=cdk-hnb659fds-container-assets-$acct-us-east-1
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# --- our own registry --------------------------------------------------
REG_DIR=$WORK/registry
REG_PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$REG_DIR/data"
cat >"$REG_DIR/config.yml" <<YAML
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $REG_DIR/data}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:$REG_PORT
  secret: $("$PY" -c 'import secrets; print(secrets.token_hex(16))')
YAML
reg_pid=
start_registry() {
	docker-registry serve "$REG_DIR/config.yml" </dev/null >>"$REG_DIR/log" 2>&1 &
	reg_pid=$!
	for _ in $(seq 100); do
		curl -s --noproxy '*' -o /dev/null "http://127.0.0.1:$REG_PORT/v2/" && return 0
		sleep 0.1
	done
	fail "docker-registry did not start: $(tail -5 "$REG_DIR/log")"
}
kill_registry() {
	kill -KILL "$reg_pid" 2>/dev/null || true
	wait "$reg_pid" 2>/dev/null || true
	reg_pid=
}
start_registry

start_flaky_proxy "127.0.0.1:$REG_PORT"
trap '[ -n "$reg_pid" ] && kill "$reg_pid" 2>/dev/null; kill "$proxy_pid" 2>/dev/null || true; cleanup' EXIT
wait_stat() { # KEY MIN SECONDS
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		[ "$(flaky_stat "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	fail "timed out waiting for $1 >= $2"
}

# --- a tarball with a 2 MiB incompressible layer -----------------------
tarapp=$WORK/tarapp
mkdir -p "$tarapp/ctx"
head -c 2097152 /dev/urandom >"$tarapp/ctx/big"
printf 'FROM %s\nCOPY big /big\n' "$BASE_IMAGE" >"$tarapp/ctx/Dockerfile"
img=ecra-faults-$$
"$REAL_DOCKER" build -q -t "$img" "$tarapp/ctx" >/dev/null
CLEAN_IMAGES+=("$img")
"$REAL_DOCKER" save -o "$tarapp/image.tar" "$img"
nblobs=$("$PY" -c '
import json, sys, tarfile
m = json.load(tarfile.open(sys.argv[1]).extractfile("manifest.json"))
print(1 + len(m[0]["Layers"]))' "$tarapp/image.tar")
tar_app() { tarball_manifest "$tarapp/T.assets.json" "$1" "$2"; }
dl() { CDK_DOCKER=/nonexistent/docker "$@"; }

echo "== registry killed while the manifest PUT is pending; restart; publish again"
tar_app ecra/faults-a t1
flaky '{"fail":1,"match":"manifests","mode":"stall","hold":8}'
dl start_bg "$tarapp/T.assets.json" --registry "$proxy" --daemonless-tarballs --retries 1
wait_stat manifest_puts 1 60
kill_registry
wait_bg 1
expect_out "retrying push of $proxy/ecra/faults-a:t1"
expect_failure "push failed after 2 attempts: registry '$proxy': "
no_temp_left
start_registry
flaky '{"fail":0}'
dl run_cli 0 "$tarapp/T.assets.json" --registry "$proxy" --daemonless-tarballs
expect_out "published 1"
# every blob arrived in the first run: only the manifest is written now
[ "$(flaky_stat writes)" = 1 ] ||
	fail "$(flaky_stat writes) write requests: blobs that had arrived were uploaded again"
tags_of "127.0.0.1:$REG_PORT" ecra/faults-a | grep -qF '"t1"' || fail "t1 not in the registry"

echo "== registry killed mid-blob-upload; restart; publish again"
tar_app ecra/faults-b t2
flaky '{"fail":-1,"match":"blobs","mode":"slow","rate":262144}'
dl start_bg "$tarapp/T.assets.json" --registry "$proxy" --daemonless-tarballs --retries 1
wait_stat writes 2 60
sleep 1
kill_registry
wait_bg 1
expect_failure "push failed after 2 attempts: registry '$proxy': "
[ "$(flaky_stat manifest_puts)" = 0 ] || fail "a manifest was PUT for an incomplete image"
start_registry
flaky '{"fail":0}'
dl run_cli 0 "$tarapp/T.assets.json" --registry "$proxy" --daemonless-tarballs
expect_out "published 1"
[ "$(flaky_stat writes)" -le $((2 * nblobs + 1)) ] || fail "too many writes: $(flaky_stat writes)"
tags_of "127.0.0.1:$REG_PORT" ecra/faults-b | grep -qF '"t2"' || fail "t2 not in the registry"

echo "== docker push to a killed registry: docker's message, exit 1; after restart it publishes"
id1=$(printf 'faults-%s' "$$$(date +%s%N)" | sha256sum | cut -c1-64)
make_app "$WORK/app" FaultStack "$id1" "faults $id1"
kill_registry
run_cli 1 "$WORK/app" --registry "127.0.0.1:$REG_PORT" --account $acct --retries 1
expect_failure ""
expect_out "127.0.0.1:$REG_PORT"
no_temp_left
start_registry
run_cli 0 "$WORK/app" --registry "127.0.0.1:$REG_PORT" --account $acct
expect_out "published 1"
tags_of "127.0.0.1:$REG_PORT" "$repo" | grep -qF "\"$id1\"" || fail "$id1 not in the registry"

echo "== HTML 502 from a load balancer: retried, then reported with its first line"
tar_app ecra/faults-c t3
flaky '{"fail":-1,"match":"any","mode":"502"}'
dl run_cli 1 "$tarapp/T.assets.json" --registry "$proxy" --daemonless-tarballs --retries 1
expect_out "retrying push of $proxy/ecra/faults-c:t3"
expect_out "HTTP 502: <h1>502 Bad Gateway (flaky proxy)</h1>"

echo "== slow loris: a registry that never answers is given up after the stall timeout"
tar_app ecra/faults-d t4
flaky '{"fail":-1,"match":"any","mode":"stall","hold":3600}'
t0=$(date +%s)
dl run_cli 1 "$tarapp/T.assets.json" --registry "$proxy" --daemonless-tarballs --retries 0
t1=$(date +%s)
[ $((t1 - t0)) -lt 90 ] || fail "the stalled push took $((t1 - t0)) s"
expect_failure "registry '$proxy': "
expect_out "too slow"
flaky '{"fail":0}'

echo "== tarball asset, docker daemon down: its stderr and the daemonless hint"
tar_app ecra/faults-e t5
DOCKER_HOST=unix://$WORK/no-daemon.sock run_cli 1 "$tarapp/T.assets.json" \
	--registry "127.0.0.1:$REG_PORT"
expect_out "Cannot connect to the Docker daemon"
expect_out "--daemonless-tarballs pushes it without a docker daemon"
expect_no_out "executable printed no image name: sh -c"
no_temp_left
echo "ok"
