#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/registry_engine.sh - the daemonless registry engine
# through `ecr-assets copy` against the real docker-registry instances:
# every tarball format (docker save of the test dockerd, an OCI archive
# written by skopeo, OCI layouts with a two-platform index, a nested
# index and an uncompressed layer, written by make_oci.py), pull-back
# verification (skopeo reads the pushed config and layers; docker pulls
# and runs the image), digests preserved, a second push that uploads
# nothing, a cross-repository mount seen in the registry's own log, a
# copy between the two registries (htpasswd on one side) with and
# without --platform, and a tampered tarball refused before any upload.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=publish_lib.sh
. "$here/publish_lib.sh"

export XDG_CACHE_HOME=$WORK/cache
R=$ECRA_REGISTRY
A=$ECRA_AUTH_REGISTRY
run=$$$(date +%s)
sk() { skopeo "$@" --tls-verify=false; }
skc() { skopeo copy -q --src-tls-verify=false --dest-tls-verify=false "$@"; }
skopeo_raw() { skopeo inspect --raw --tls-verify=false "$@"; }
copy() { "$ECRA_CLI" copy "$@" >"$WORK/out" 2>&1; }
auth_copy() { echo "$ECRA_REGISTRY_PASSWORD" | "$ECRA_CLI" copy --username "$ECRA_REGISTRY_USER" --password-stdin "$@" >"$WORK/out" 2>&1; }
expect() { grep -qF -- "$1" "$WORK/out" || fail "output lacks: $1"; }

echo "== docker save (legacy layout): push, pull back, run"
mkdir -p "$WORK/ctx"
printf 'FROM %s\nCOPY f /f\nCOPY g /g\nCMD ["cat", "/f"]\n' "$BASE_IMAGE" >"$WORK/ctx/Dockerfile"
echo "engine $run" >"$WORK/ctx/f"
head -c 3000000 /dev/urandom >"$WORK/ctx/g"
"$REAL_DOCKER" build -q -t "ecra-engine:$run" "$WORK/ctx" >/dev/null
CLEAN_IMAGES+=("ecra-engine:$run")
"$REAL_DOCKER" save -o "$WORK/save.tar" "ecra-engine:$run"
copy docker-archive:"$WORK/save.tar" "$R/engine/a-$run:v1" || fail "push failed"
expect "uploaded layer"
expect "0 mounted, 0 skipped"
cfg_id=$("$REAL_DOCKER" image inspect --format '{{.Id}}' "ecra-engine:$run")
got_cfg=$(skopeo_raw "docker://$R/engine/a-$run:v1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["digest"])')
[ "$got_cfg" = "$cfg_id" ] || fail "config digest $got_cfg, docker has $cfg_id"
sk inspect --config "docker://$R/engine/a-$run:v1" | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)["rootfs"]["diff_ids"]))' >"$WORK/pushed-diffs"
"$REAL_DOCKER" image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' "ecra-engine:$run" | sed '/^$/d' >"$WORK/local-diffs"
diff -u "$WORK/local-diffs" "$WORK/pushed-diffs" || fail "diff_ids differ"
# skopeo pulls every layer back, decompresses and checks the digests.
rm -f "$WORK/pulled.tar"
skc "docker://$R/engine/a-$run:v1" "docker-archive:$WORK/pulled.tar" >/dev/null ||
	fail "skopeo cannot pull the pushed image"
pull_and_run "$R/engine/a-$run:v1" "engine $run"

echo "== second push: nothing uploaded"
copy docker-archive:"$WORK/save.tar" "$R/engine/a-$run:v1" || fail "second push failed"
expect ": 0 uploaded (0.0 MB), 0 mounted, 4 skipped"
expect "skipped manifest v1"

echo "== another repository of the same registry: mounted (registry log)"
copy docker-archive:"$WORK/save.tar" "$R/engine/b-$run:v1" || fail "push b failed"
expect ": 0 uploaded (0.0 MB), 4 mounted"
grep -E "engine/b-$run/blobs/uploads/\?(from=engine%2Fa-$run&)?mount=" "$here/work/registry.log" |
	grep -q 'http.response.status=201' || fail "no 201 mount in the registry log"
pull_and_run "$R/engine/b-$run:v1" "engine $run"

echo "== OCI archive written by skopeo"
skc "docker-archive:$WORK/save.tar" "oci-archive:$WORK/skopeo-oci.tar" >/dev/null
copy oci-archive:"$WORK/skopeo-oci.tar" "$R/engine/oci-$run:v1" || fail "oci push failed"
skc "docker://$R/engine/oci-$run:v1" "docker-archive:$WORK/pulled2.tar" >/dev/null ||
	fail "skopeo cannot pull the OCI push"
want=$(tar -xOf "$WORK/skopeo-oci.tar" index.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["manifests"][0]["digest"])')
got=$(skopeo_raw "docker://$R/engine/oci-$run:v1" | sha256sum | cut -c1-64)
[ "sha256:$got" = "$want" ] || fail "OCI manifest digest not kept: $got vs $want"

echo "== two-platform OCI index: pushed with both platforms, digest kept"
want=$(python3 "$here/make_oci.py" "$WORK/multi.tar" multi "$run")
copy oci-archive:"$WORK/multi.tar" "$R/engine/multi-$run:v1" || fail "index push failed"
expect "uploaded index v1"
got=$(skopeo_raw "docker://$R/engine/multi-$run:v1" | sha256sum | cut -c1-64)
[ "sha256:$got" = "$want" ] || fail "index digest not kept"
for arch in amd64 arm64; do
	a=$(sk inspect --override-arch "$arch" --config "docker://$R/engine/multi-$run:v1" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["architecture"])')
	[ "$a" = "$arch" ] || fail "platform $arch gives $a"
done

echo "== nested index and uncompressed OCI layer"
want=$(python3 "$here/make_oci.py" "$WORK/nested.tar" nested "n$run")
copy oci-archive:"$WORK/nested.tar" "$R/engine/nested-$run:v1" || fail "nested push failed"
got=$(skopeo_raw "docker://$R/engine/nested-$run:v1" | sha256sum | cut -c1-64)
[ "sha256:$got" = "$want" ] || fail "nested index digest not kept"
python3 "$here/make_oci.py" "$WORK/plain.tar" plain "p$run" >/dev/null
copy oci-archive:"$WORK/plain.tar" "$R/engine/plain-$run:v1" || fail "plain push failed"
skopeo_raw "docker://$R/engine/plain-$run:v1" | grep -q 'tar+gzip' || fail "plain layer not compressed"
skc "docker://$R/engine/plain-$run:v1" "oci-archive:$WORK/pulled3.tar" >/dev/null ||
	fail "skopeo cannot pull the compressed plain layer"

echo "== copy between registries (htpasswd destination), digest kept"
auth_copy "$R/engine/multi-$run:v1" "$A/engine/copy-$run:v1" || fail "copy failed"
got2=$(skopeo_raw --creds "$ECRA_REGISTRY_USER:$ECRA_REGISTRY_PASSWORD" "docker://$A/engine/copy-$run:v1" | sha256sum | cut -c1-64)
src=$(skopeo_raw "docker://$R/engine/multi-$run:v1" | sha256sum | cut -c1-64)
[ "$got2" = "$src" ] || fail "copied index digest differs"
auth_copy "$R/engine/multi-$run:v1" "$A/engine/copy-$run:v1" || fail "copy again failed"
expect ": 0 uploaded (0.0 MB), 0 mounted, 4 skipped"
auth_copy --platform linux/arm64 "$R/engine/multi-$run:v1" "$A/engine/arm-$run:v1" || fail "platform copy failed"
a=$(sk inspect --creds "$ECRA_REGISTRY_USER:$ECRA_REGISTRY_PASSWORD" --config "docker://$A/engine/arm-$run:v1" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["architecture"])')
[ "$a" = arm64 ] || fail "--platform copy gave $a"
copy "$R/engine/a-$run:v1" "$A/engine/x-$run:v1" && fail "copy without credentials succeeded"
expect "requires authentication"
if grep -qF "$ECRA_REGISTRY_PASSWORD" "$WORK/out"; then fail "password leaked"; fi

echo "== same-registry copy mounts"
copy "$R/engine/a-$run:v1" "$R/engine/c-$run:v2" || fail "same-registry copy failed"
expect "4 mounted"

echo "== tampered tarball: refused before any upload, entry named"
python3 - "$WORK/save.tar" "$WORK/bad.tar" <<'PY'
import json, sys, tarfile, io
src, dst = sys.argv[1], sys.argv[2]
with tarfile.open(src) as t, tarfile.open(dst, "w") as o:
    man = json.load(t.extractfile("manifest.json"))
    victim = man[0]["Layers"][-1]
    for m in t.getmembers():
        data = t.extractfile(m).read() if m.isfile() else None
        if m.name == victim:
            data = data[:-1] + bytes([data[-1] ^ 1])
        o.addfile(m, io.BytesIO(data) if data is not None else None)
print(victim)
PY
copy docker-archive:"$WORK/bad.tar" "$R/engine/bad-$run:v1" && fail "tampered tarball pushed"
expect "rootfs.diff_ids says"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$R/v2/engine/bad-$run/tags/list")
[ "$code" = 404 ] || fail "something reached engine/bad-$run ($code)"
echo "== SIGINT mid-push: exit 130 quickly, nothing tagged, no temp file left"
python3 "$here/../../bench/registry/make_image.py" "$WORK/big.tar" save 150 20
"$ECRA_CLI" copy --no-cache docker-archive:"$WORK/big.tar" "$R/engine/int-$run:v1" >"$WORK/out" 2>&1 &
pid=$!
sleep 0.7
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" = 130 ] || fail "interrupted copy exited $rc, expected 130"
expect "cancelled"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$R/v2/engine/int-$run/tags/list")
[ "$code" = 404 ] || fail "an interrupted push tagged something ($code)"
[ -z "$(ls "$TMPDIR" 2>/dev/null)" ] || fail "temporary files left: $(ls "$TMPDIR")"
echo "ok"
