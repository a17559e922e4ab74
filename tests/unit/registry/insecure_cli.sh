#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/unit/registry/insecure_cli.sh BINARY SOURCE_DIR - plain http only
# to loopback literals or hosts the user listed (issue 9.3): a registry
# named by a host name that merely resolves to 127.0.0.1 (this machine's
# own name) is spoken to over https until `--insecure-registry` names it,
# and the opt-in prints a warning. Exit 77 (skip) when the machine's name
# does not resolve to loopback.
set -u
# services.env points every proxy variable at a closed port as a guard;
# this test talks to this machine's own host name and sets the proxies it
# needs itself.
unset HTTPS_PROXY HTTP_PROXY https_proxy http_proxy NO_PROXY no_proxy
bin=$1
src=$2
tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

name=$(hostname)
case $(getent ahostsv4 "$name" 2>/dev/null | awk 'NR==1 {print $1}') in
127.*) ;;
*) echo "skip: '$name' does not resolve to 127.0.0.0/8"; exit 77 ;;
esac
case $name in localhost | 127.*) echo "skip: '$name' is a loopback literal"; exit 77 ;; esac

python3 "$src/tests/unit/registry/fake_registry.py" >"$tmp/port" &
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
read -r port pid <"$tmp/port" || fail "fake registry did not start"

mkdir "$tmp/ctx"
cat >"$tmp/a.assets.json" <<'JSON'
{"version":"36.0.0","files":{},"dockerImages":{"abc":{"source":{"directory":"ctx"},
 "destinations":{"d1":{"repositoryName":"app","imageTag":"t1","region":"us-east-1"}}}}}
JSON

# 1. Not loopback, not listed: https (the plain http server cannot answer).
echo secret-pw | "$bin" publish "$tmp/a.assets.json" --registry "$name:$port" \
	--username user --password-stdin --dry-run --account 1 >"$tmp/out1" 2>&1
rc=$?
[ $rc = 1 ] || { cat "$tmp/out1"; fail "unlisted host: exit $rc, expected 1"; }
grep -q "https://$name:$port/" "$tmp/out1" || { cat "$tmp/out1"; fail "unlisted host was not tried over https"; }
grep -q "warning:" "$tmp/out1" && fail "warning without --insecure-registry"

# 2. Listed (HOST without port: every port): plain http, with a warning.
echo secret-pw | "$bin" publish "$tmp/a.assets.json" --registry "$name:$port" \
	--insecure-registry "$name" --username user --password-stdin \
	--dry-run --account 1 >"$tmp/out2" 2>&1
rc=$?
[ $rc = 0 ] || { cat "$tmp/out2"; fail "listed host: exit $rc, expected 0"; }
grep -q "^warning: --insecure-registry $name: .*plain http" "$tmp/out2" ||
	{ cat "$tmp/out2"; fail "no warning for the insecure registry"; }
grep -q "would publish 1" "$tmp/out2" || { cat "$tmp/out2"; fail "the check did not run"; }

# 3. Listed with another port: https again.
echo secret-pw | "$bin" publish "$tmp/a.assets.json" --registry "$name:$port" \
	--insecure-registry "$name:1" --username user --password-stdin \
	--dry-run --account 1 >"$tmp/out3" 2>&1
[ $? = 1 ] || { cat "$tmp/out3"; fail "other port listed: not https"; }
grep -q "https://$name:$port/" "$tmp/out3" || { cat "$tmp/out3"; fail "other port: not https"; }

# 4. Bad values are usage errors.
"$bin" publish "$tmp/a.assets.json" --insecure-registry 'bad host:99999' >/dev/null 2>&1
[ $? = 2 ] || fail "--insecure-registry 'bad host:99999' is not a usage error"
"$bin" publish "$tmp/a.assets.json" --registry 'bad host:99999' >/dev/null 2>&1
[ $? = 2 ] || fail "--registry 'bad host:99999' is not a usage error"
echo ok
