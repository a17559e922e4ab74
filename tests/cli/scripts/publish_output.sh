#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/cli/scripts/publish_output.sh - what `ecr-assets publish` prints,
# against a fake docker CLI (CDK_DOCKER) and the in-memory fake registry
# of the unit tests:
#   * --json events carry the image URI and the pushed digest as fields;
#   * a failed docker build is reported once: its output above, the fail
#     line with the argv and docker's last meaningful line, docker's
#     legacy-builder banner shown once per run;
#   * the summary counts only builds that ran to an image, and each
#     Failure: line names its asset and destination;
#   * an unreachable registry fails the first entry only, the others are
#     "not tried";
#   * the live status line on a terminal shows only the default events;
#   * docker output and messages are escaped;
#   * a daemonless tarball push reports bytes: --json transfer events
#     carry bytes_done/bytes_total/rate/blob, the default output has one
#     line per blob sent (not per chunk) and the image's bytes and rate on
#     its success line, the live line shows bytes done/total, rate, ETA.
#
#   publish_output.sh ECR_ASSETS SOURCE_DIR
set -u

ecra=$(realpath "$1")
src=$(realpath "$2")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ecra-publish-output.XXXXXX")
reg_pid=
cleanup() {
	[ -n "$reg_pid" ] && kill "$reg_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap "cp $tmp/err $tmp/tty $tmp/out /tmp/tmp.mUPiEX0SB4/ 2>/dev/null; cleanup" EXIT
fails=0
ok() { echo "ok   $1"; }
bad() {
	echo "FAIL $1"
	fails=$((fails + 1))
	[ -f "$tmp/err" ] && sed 's/^/  | /' "$tmp/err" | head -40
}

cp -R "$src/tests/cli/publish/_assembly" "$tmp/app"
touch "$tmp/app/asset.worker/FAIL"

# The fake docker: builds print the legacy-builder banner and a hostile
# escape sequence; a context holding FAIL fails; push prints a digest.
cat >"$tmp/docker" <<'EOS'
#!/bin/sh
case $1 in
login) cat >/dev/null; echo "Login Succeeded"; exit 0 ;;
inspect) exit 1 ;;
tag) exit 0 ;;
build)
	echo "DEPRECATED: The legacy builder is deprecated and will be removed in a future release." >&2
	echo "            Install the buildx component to build images with BuildKit:" >&2
	echo "            https://docs.docker.com/go/buildx/" >&2
	echo "" >&2
	printf 'Step 1/1 : FROM scratch \033]0;pwned\007\n'
	if [ -f FAIL ]; then
		echo "failed to solve: the base image is gone" >&2
		echo "" >&2
		exit 1
	fi
	echo "Successfully built 0123456789ab"
	exit 0 ;;
push)
	echo "The push refers to repository [${2%:*}]"
	echo "${2##*:}: digest: sha256:0000000000000000000000000000000000000000000000000000000000000abc size: 528"
	exit 0 ;;
esac
echo "fake docker: unexpected $*" >&2
exit 3
EOS
chmod +x "$tmp/docker"
export CDK_DOCKER="$tmp/docker" HOME="$tmp" AWS_REGION=us-east-1
export DOCKER_CONFIG="$tmp/dockercfg" TMPDIR="$tmp"
unset CDK_DOCKER_CREDS_FILE
mkdir -p "$DOCKER_CONFIG"

python3 "$src/tests/unit/registry/fake_registry.py" >"$tmp/reg" &
i=0
while [ ! -s "$tmp/reg" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
read -r port reg_pid <"$tmp/reg" || { echo "FAIL fake registry did not start"; exit 1; }
reg=127.0.0.1:$port

publish() {
	printf 'secret-pw' | "$ecra" publish "$tmp/app" --registry "$reg" \
	    --account 123456789012 --username user --password-stdin "$@"
}

# --json: image and digest as fields; builds counts what was built.
publish --json >"$tmp/out" 2>"$tmp/err"
rc=$?
repo="$reg/cdk-hnb659fds-container-assets-123456789012-us-east-1"
if [ $rc -ne 1 ]; then bad "json: exit $rc, expected 1"
elif ! grep -q "\"type\":\"check\".*\"image\":\"$repo:webimage\"" "$tmp/out"; then bad "json: check event lacks the image field"; cat "$tmp/out"
elif ! grep -q "\"type\":\"success\".*\"asset\":\"webimage\".*\"image\":\"$repo:webimage\",\"digest\":\"sha256:0\{61\}abc\"" "$tmp/out"; then bad "json: success event lacks image/digest"; cat "$tmp/out"
elif ! grep -q '"type":"summary".*"published":1,.*"failed":1,.*"builds":1,' "$tmp/out"; then bad "json: summary counts a failed build"; cat "$tmp/out"
else ok "json events carry image and digest; builds counts images built"; fi

# Human output: the failure once, with docker's last meaningful line.
publish --force >"$tmp/out" 2>"$tmp/err"
rc=$?
fail_line=$(grep '^error  : ' "$tmp/err")
if [ $rc -ne 1 ]; then bad "human: exit $rc, expected 1"
elif [ "$(grep -c '^error  : ' "$tmp/err")" -ne 1 ]; then bad "human: expected one fail line"
elif ! printf '%s\n' "$fail_line" | grep -q "build .* exited with error code 1: failed to solve: the base image is gone\$"; then bad "human: fail line is not argv + last meaningful line: $fail_line"
elif printf '%s\n' "$fail_line" | grep -q 'legacy builder\|\\n'; then bad "human: fail line repeats the output: $fail_line"
elif [ "$(grep -c 'DEPRECATED: The legacy builder' "$tmp/err")" -ne 1 ]; then bad "human: legacy-builder banner not shown exactly once"
elif [ "$(grep -c '^failed to solve: the base image is gone' "$tmp/err")" -ne 1 ]; then bad "human: docker's output not shown once above the failure"
elif ! grep -q '^Failure: workerimage:current_account-current_region: ' "$tmp/err"; then bad "human: Failure: line does not name asset and destination"
elif ! grep -q 'published 1, skipped 0 (already present), failed 1; 1 builds,' "$tmp/err"; then bad "human: summary line"
else ok "a failed build is reported once; Failure: names asset:destination"; fi
if grep -q "$(printf '\033')" "$tmp/out" "$tmp/err" ||
	! grep -q 'FROM scratch \\x1b\]0;pwned\\x07' "$tmp/out"; then
	bad "docker output is not escaped"
else ok "docker output is escaped"; fi

# One image: [pct%] moves with the steps instead of sitting at 0%.
publish --force --stack AppStack >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -ne 0 ]; then bad "one image: exit $rc"
elif ! grep -q '^verbose: \[5%\] build: ' "$tmp/err" ||
	! grep -q '^verbose: \[50%\] upload: ' "$tmp/err" ||
	! grep -q '^info   : \[100%\] success: ' "$tmp/err"; then bad "one image: [pct%] does not follow the steps"
else ok "[pct%] follows the steps of a one-image run"; fi

# Unreachable registry: one failure, the rest not tried.
"$ecra" publish "$tmp/app" --registry 127.0.0.1:1 --account 1 >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -ne 1 ]; then bad "unreachable: exit $rc, expected 1"
elif [ "$(grep -c '^error  : \[.*fail: ' "$tmp/err")" -ne 1 ]; then bad "unreachable: expected one fail line"
elif ! grep -q '^error  : 1 more not tried: registry 127.0.0.1:1 did not answer$' "$tmp/err"; then bad "unreachable: no 'not tried' line"
elif ! grep -q 'failed 1, not tried 1;' "$tmp/err"; then bad "unreachable: summary"
elif [ "$(grep -c '^Failure: ' "$tmp/err")" -ne 1 ]; then bad "unreachable: expected one Failure: line"
else ok "an unreachable registry is tried once"; fi

# The live status line (a terminal): only what the default shows.
if command -v script >/dev/null 2>&1; then
	printf 'secret-pw' >"$tmp/pw"
	TERM=xterm script -qec "'$ecra' publish '$tmp/app' --registry '$reg' --account 123456789012 --username user --password-stdin --force <'$tmp/pw'" /dev/null >"$tmp/tty" 2>&1
	if ! grep -q 'check: Check ' "$tmp/tty"; then bad "live: no status line"; cat -v "$tmp/tty" | head -20
	elif grep -q 'shell_open:\|debug: ' "$tmp/tty"; then bad "live: the status line shows --verbose events"; cat -v "$tmp/tty" | grep 'shell_open\|debug' | head -5
	else ok "the live status line shows the default events only"; fi
else
	echo "skip live status line (no script(1))"
fi

# Daemonless tarball push: byte counts. A 20 MB random layer is sent in
# two chunks (16 MB each at most), so per-chunk events exist.
mkdir -p "$tmp/tar"
python3 - "$tmp/tar/asset.big.tar" <<'PY'
import hashlib, io, json, os, sys, tarfile
def tar_bytes(files):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in files:
            i = tarfile.TarInfo(name); i.size = len(data); i.mtime = 0
            t.addfile(i, io.BytesIO(data))
    return b.getvalue()
layer = tar_bytes([("big.bin", os.urandom(20 * 1000 * 1000))])
diff = "sha256:" + hashlib.sha256(layer).hexdigest()
config = json.dumps({"architecture": "amd64", "os": "linux",
    "rootfs": {"type": "layers", "diff_ids": [diff]}}).encode()
ch = hashlib.sha256(config).hexdigest()
manifest = json.dumps([{"Config": ch + ".json", "RepoTags": ["big:1"],
    "Layers": ["l1/layer.tar"]}]).encode()
with open(sys.argv[1], "wb") as f:
    f.write(tar_bytes([(ch + ".json", config), ("l1/layer.tar", layer),
        ("manifest.json", manifest)]))
PY
cat >"$tmp/tar/T.assets.json" <<'EOF'
{"version":"36.0.0","dockerImages":{"big":{"source":{"executable":["sh","-c","docker load -i \"$1\" | tail -n 1 | sed \"s/Loaded image[^:]*: //g\"","cdk-tarball-image-asset","asset.big.tar"]},
 "destinations":{"d":{"repositoryName":"ecra/big","imageTag":"b1"}}}}}
EOF
tarpub() {
	printf 'secret-pw' | "$ecra" publish "$tmp/tar/T.assets.json" --registry "$reg" \
	    --account 123456789012 --username user --password-stdin --daemonless-tarballs --force "$@"
}
cat >"$tmp/check.py" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
tr = [e for e in ev if e["type"] == "transfer"]
assert tr, "no transfer events"
for e in tr:
    for k in ("bytes_done", "bytes_total", "rate", "message", "stage"):
        assert k in e, (k, e)
    assert isinstance(e["bytes_done"], int) and isinstance(e["bytes_total"], int), e
    assert e["bytes_done"] <= e["bytes_total"], e
prog = [e for e in tr if e["stage"] == "blob-progress"]
assert prog and 0 < prog[0]["bytes_done"] < prog[0]["bytes_total"], prog
done = [e for e in tr if e["stage"] == "blob-done" and e["kind"] == "layer"]
assert len(done) == 1, done
d = done[0]
assert d["blob"].startswith("sha256:") and len(d["blob"]) == 71, d
assert d["bytes_done"] == d["bytes_total"] > 20000000, d
assert d["outcome"] == "uploaded" and d["rate"] > 0, d
assert d["image_bytes_done"] >= d["bytes_total"], d
succ = [e for e in ev if e["type"] == "success"]
assert len(succ) == 1 and succ[0]["bytes"] > 20000000 and succ[0]["rate"] > 0, succ
PY
tarpub --json >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -ne 0 ]; then bad "tarball json: exit $rc"; cat "$tmp/out"
elif ! python3 "$tmp/check.py" "$tmp/out"; then bad "tarball json: transfer fields"; grep '"transfer"' "$tmp/out" | head -5
else ok "--json transfer events carry bytes_done/bytes_total/rate/blob"; fi

tarpub >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -ne 0 ]; then bad "tarball human: exit $rc"
elif [ "$(grep -c '^verbose: \[[0-9]*%\] transfer: uploaded layer sha256:[0-9a-f]\{64\} 20\.' "$tmp/err")" -ne 1 ]; then bad "tarball human: expected one line for the layer"
elif grep -q 'transfer: blob-progress\|transfer: blob-start\|transfer: prepare' "$tmp/err"; then bad "tarball human: per-chunk lines by default"
elif ! grep -q '^info   : \[100%\] success: .* (20\.[0-9] MB in [0-9.]*s, [0-9.]* [kMG]\{0,1\}B/s)$' "$tmp/err"; then bad "tarball human: success line lacks bytes and rate"
else ok "one line per blob sent; the success line has the image's bytes and rate"; fi
tarpub --quiet >"$tmp/out" 2>"$tmp/err"
if grep -q 'transfer:' "$tmp/err"; then bad "tarball --quiet shows blob lines"
else ok "--quiet shows no blob lines"; fi
tarpub --verbose >"$tmp/out" 2>"$tmp/err"
if ! grep -q 'transfer: blob-progress' "$tmp/err"; then bad "tarball --verbose lacks per-chunk lines"
else ok "--verbose shows every chunk"; fi
if command -v script >/dev/null 2>&1; then
	TERM=xterm script -qec "'$ecra' publish '$tmp/tar/T.assets.json' --registry '$reg' --account 123456789012 --username user --password-stdin --daemonless-tarballs --force <'$tmp/pw'" /dev/null >"$tmp/tty" 2>&1
	if ! grep -q 'upload: big [0-9.]* [kMG]\{0,1\}B/[0-9.]* MB, [0-9.]* [kMG]\{0,1\}B/s' "$tmp/tty"; then bad "live: no bytes on the status line"; cat -v "$tmp/tty" | head -20
	elif ! grep -q 'ETA [0-9]*s' "$tmp/tty"; then bad "live: no ETA"; cat -v "$tmp/tty" | head -20
	elif grep -q 'transfer: uploaded' "$tmp/tty"; then bad "live: blob lines scroll on a terminal"
	else ok "the live line shows bytes done/total, rate and ETA"; fi
fi

echo "publish_output: $fails failures"
[ $fails = 0 ]
