#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/tls_proxy.sh - a private CA and an https proxy for
# registry calls (issue 9.12), against a real docker-registry of its own
# behind TLS (http.tls with a certificate signed by a CA that openssl
# makes here). The registry is named by this machine's host name (it must
# resolve to 127.0.0.0/8; a loopback literal would be spoken to over
# plain http), and the image is a docker-save tarball written here and
# pushed with --daemonless-tarballs, so no docker daemon is needed.
#
#   without a CA            fails with curl's certificate error
#   --ca-cert CA            publishes; the image is in the registry
#   SSL_CERT_FILE=CA        the same without the flag
#   HTTPS_PROXY=proxy       every request goes through a CONNECT tunnel
#                           to the registry (the proxy records it)
#   NO_PROXY=<host>         the proxy sees nothing
#
# Needs docker-registry, openssl, python3; skipped (77) without them.
set -u
# services.env points every proxy variable at a closed port as a guard;
# this test talks to this machine's own host name and sets the proxies it
# needs itself.
unset HTTPS_PROXY HTTP_PROXY https_proxy http_proxy NO_PROXY no_proxy
: "${ECRA_CLI:?set ECRA_CLI to the ecr-assets binary}"
src=$(cd "$(dirname "$0")/../.." && pwd)
for t in docker-registry openssl python3; do
	command -v "$t" >/dev/null || { echo "skipped: $t not found"; exit 77; }
done
name=$(hostname)
case $(getent ahostsv4 "$name" 2>/dev/null | awk 'NR==1 {print $1}') in
127.*) ;;
*) echo "skipped: '$name' does not resolve to 127.0.0.0/8"; exit 77 ;;
esac
case $name in localhost | 127.*) echo "skipped: '$name' is a loopback literal"; exit 77 ;; esac

W=$(mktemp -d "${TMPDIR:-/tmp}/ecra-tls-XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	[ -f "$W/out" ] && { echo "--- last output:" >&2; cat "$W/out" >&2; }
	exit 1
}
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- a CA and a server certificate for $name -------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ecra test CA" \
	-keyout "$W/ca.key" -out "$W/ca.pem" 2>/dev/null || fail "openssl CA"
openssl req -newkey rsa:2048 -nodes -subj "/CN=$name" \
	-keyout "$W/srv.key" -out "$W/srv.csr" 2>/dev/null || fail "openssl CSR"
printf 'subjectAltName=DNS:%s,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' "$name" >"$W/ext"
openssl x509 -req -in "$W/srv.csr" -CA "$W/ca.pem" -CAkey "$W/ca.key" \
	-CAcreateserial -days 2 -extfile "$W/ext" -out "$W/srv.pem" 2>/dev/null ||
	fail "openssl sign"

# --- the registry behind TLS ----------------------------------------------
port=$(free_port)
mkdir -p "$W/data"
cat >"$W/config.yml" <<YML
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $W/data}
http:
  addr: 127.0.0.1:$port
  secret: $(python3 -c 'import secrets; print(secrets.token_hex(16))')
  tls:
    certificate: $W/srv.pem
    key: $W/srv.key
YML
docker-registry serve "$W/config.yml" >"$W/registry.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do
	curl -s --cacert "$W/ca.pem" -o /dev/null "https://$name:$port/v2/" && break
	sleep 0.1
done
curl -s --cacert "$W/ca.pem" -o /dev/null "https://$name:$port/v2/" ||
	{ cat "$W/registry.log"; fail "the TLS registry did not come up"; }

# --- the recording proxy ---------------------------------------------------
python3 "$src/tests/unit/http/connect_proxy.py" "$W/proxy.log" >"$W/proxy.port" &
pids+=($!)
for _ in $(seq 100); do [ -s "$W/proxy.port" ] && break; sleep 0.1; done
read -r pport _ <"$W/proxy.port" || fail "the proxy did not start"
: >"$W/proxy.log"

# --- a docker-save tarball and its TarballImageAsset manifest --------------
mkdir -p "$W/app"
python3 - "$W/app/asset.tls.tar" <<'PY'
import hashlib, io, json, sys, tarfile
def tar_bytes(files):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in files:
            i = tarfile.TarInfo(name); i.size = len(data); i.mtime = 0
            t.addfile(i, io.BytesIO(data))
    return b.getvalue()
layer = tar_bytes([("hello.txt", b"hello over TLS\n")])
diff = "sha256:" + hashlib.sha256(layer).hexdigest()
config = json.dumps({"architecture": "amd64", "os": "linux",
    "config": {"Cmd": ["/hello.txt"]},
    "rootfs": {"type": "layers", "diff_ids": [diff]}}).encode()
ch = hashlib.sha256(config).hexdigest()
manifest = json.dumps([{"Config": ch + ".json", "RepoTags": ["tls:1"],
    "Layers": ["l1/layer.tar"]}]).encode()
with open(sys.argv[1], "wb") as f:
    f.write(tar_bytes([(ch + ".json", config), ("l1/layer.tar", layer),
        ("manifest.json", manifest),
        ("repositories", b'{"tls":{"1":"' + ch.encode() + b'"}}')]))
PY
cat >"$W/app/T.assets.json" <<'JSON'
{"version":"36.0.0","dockerImages":{"tls1":{"source":{"executable":["sh","-c","docker load -i \"$1\" | tail -n 1 | sed \"s/Loaded image[^:]*: //g\"","cdk-tarball-image-asset","asset.tls.tar"]},
 "destinations":{"d":{"repositoryName":"ecra/tls","imageTag":"t1"}}}}}
JSON

run() { # EXPECTED_STATUS ARGS... (env set by the caller)
	local want=$1
	shift
	env -u SSL_CERT_FILE -u HTTPS_PROXY -u https_proxy -u NO_PROXY -u no_proxy \
		-u http_proxy -u HTTP_PROXY "${ENVS[@]}" "$ECRA_CLI" publish "$W/app/T.assets.json" \
		--registry "$name:$port" --daemonless-tarballs "$@" >"$W/out" 2>&1
	local rc=$?
	[ $rc = "$want" ] || fail "publish $* exited $rc, expected $want"
}

echo "== no CA: a certificate error"
ENVS=()
run 1
grep -q "https://$name:$port/" "$W/out" || fail "not https"
grep -qi "certificate" "$W/out" || fail "no certificate error"

echo "== --ca-cert: published"
run 0 --ca-cert "$W/ca.pem"
grep -q "published 1" "$W/out" || fail "not published"
curl -sf --cacert "$W/ca.pem" -o /dev/null \
	-H "Accept: application/vnd.docker.distribution.manifest.v2+json" \
	"https://$name:$port/v2/ecra/tls/manifests/t1" || fail "the image is not in the registry"

echo "== SSL_CERT_FILE: the same without the flag"
ENVS=(SSL_CERT_FILE="$W/ca.pem")
run 0 --force
grep -q "published 1" "$W/out" || fail "not published with SSL_CERT_FILE"

echo "== --ca-cert with another CA: refused"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=other CA" \
	-keyout "$W/other.key" -out "$W/other.pem" 2>/dev/null
ENVS=()
run 1 --force --ca-cert "$W/other.pem"
grep -qi "certificate" "$W/out" || fail "no certificate error with the wrong CA"

echo "== HTTPS_PROXY: through a CONNECT tunnel"
: >"$W/proxy.log"
ENVS=(HTTPS_PROXY="http://127.0.0.1:$pport")
run 0 --force --ca-cert "$W/ca.pem"
grep -q "^CONNECT $name:$port\$" "$W/proxy.log" || { cat "$W/proxy.log"; fail "the proxy saw no CONNECT $name:$port"; }
grep -qv "^CONNECT $name:$port\$" "$W/proxy.log" && { cat "$W/proxy.log"; fail "the proxy saw other requests"; }

echo "== NO_PROXY: direct"
: >"$W/proxy.log"
ENVS=(HTTPS_PROXY="http://127.0.0.1:$pport" NO_PROXY="example.com,$name")
run 0 --force --ca-cert "$W/ca.pem"
[ -s "$W/proxy.log" ] && { cat "$W/proxy.log"; fail "NO_PROXY host went through the proxy"; }

echo "== a proxy that is down: a clear transport error"
dead=$(free_port)
ENVS=(HTTPS_PROXY="http://127.0.0.1:$dead")
run 1 --force --ca-cert "$W/ca.pem" --retries 0
grep -qi "proxy\|connect" "$W/out" || fail "no proxy error"
echo ok
