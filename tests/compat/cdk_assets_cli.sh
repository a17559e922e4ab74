#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/compat/cdk_assets_cli.sh DROPIN - ecr-assets-cdk-assets against
# cdk-assets 4.7.3 where no service is needed: `ls` output byte for byte
# (JavaScript key order included), exit codes of command-line errors, the
# argv[0] = cdk-assets drop-in, and file assets reported as failures.
set -uo pipefail
dropin=$1
here=$(cd "$(dirname "$0")" && pwd)
upstream=$here/node_modules/.bin/cdk-assets
if ! [ -x "$upstream" ] || ! command -v node >/dev/null; then
	echo "skipped: cdk-assets 4.7.3 is not installed (scripts/install-deps.sh)"
	exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/ecra-cdkcli.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME=$work
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }

cat >"$work/assets.json" <<'EOF2'
{"version":"54.0.0",
 "files":{"tpl":{"source":{"path":"T.json","packaging":"file"},
   "destinations":{"b":{"bucketName":"bk","objectKey":"k.json"},"10":{"bucketName":"x","objectKey":"y"},"2":{"bucketName":"z","objectKey":"w"}}}},
 "dockerImages":{"zz":{"source":{"directory":"d","dockerBuildArgs":{"b":"1","10":"ten","2":"two"}},
   "destinations":{"d1":{"repositoryName":"rr","imageTag":"t","region":"eu-west-1"}}},
  "123":{"displayName":"Num","source":{"executable":["sh","-c","echo img"]},
   "destinations":{"x":{"repositoryName":"rr","imageTag":"u"},"y":{"repositoryName":"r2","imageTag":"u"}}}}}
EOF2
mkdir -p "$work/d"
cp "$work/assets.json" "$work/d/assets.json"

# same "NAME" ARGS...: exit status and stdout equal
same() {
	local name=$1 r1=0 r2=0
	shift
	(cd "$work" && "$upstream" "$@") >"$work/up.out" 2>"$work/up.err" </dev/null || r1=$?
	(cd "$work" && "$dropin" "$@") >"$work/ours.out" 2>"$work/ours.err" </dev/null || r2=$?
	if [ "$r1" != "$r2" ]; then
		fail "$name: exit $r2, cdk-assets exits $r1"; cat "$work/up.err" "$work/ours.err" >&2
	elif ! cmp -s "$work/up.out" "$work/ours.out"; then
		fail "$name: stdout differs"; diff -u "$work/up.out" "$work/ours.out" >&2
	else
		echo "ok: $name (exit $r1)"
	fi
}
same "ls -p FILE" -p assets.json ls
same "ls --path DIR" --path d ls
same "ls, default path" ls
same "ls --path=FILE" --path=assets.json ls
same "ls -v" -v -p assets.json ls
same "no command"
same "unknown command" nope
same "unknown option" -p assets.json ls --nope
same "--profile is publish-only" -p assets.json ls --profile x
same "-p needs a value" ls -p
same "missing manifest" -p missing.json ls
same "not JSON" -p "$here/cdk_assets_cli.sh" ls
sed 's/"54.0.0"/"99.0.0"/' "$work/assets.json" >"$work/new.json"
same "schema too new" -p new.json ls
same "bad pattern" -p assets.json publish a:b:c

# Named cdk-assets (a symlink on PATH), it says so.
ln -s "$dropin" "$work/cdk-assets"
"$work/cdk-assets" --help | grep -q '^usage: cdk-assets ' || fail "argv[0] cdk-assets: usage does not say cdk-assets"
PATH=$work:$PATH cdk-assets --version | grep -q '^cdk-assets [0-9]' || fail "cdk-assets on PATH: --version"

# File assets are reported, never skipped silently (exit 1; nothing else
# selected, so no AWS call is made).
r=0
(cd "$work" && "$dropin" -p assets.json publish tpl) >"$work/out" 2>&1 || r=$?
[ "$r" = 1 ] || fail "file asset: exit $r, expected 1"
grep -q '^error  : \[0%\] fail: file asset tpl:b was not published' "$work/out" ||
	fail "file asset: no fail line: $(cat "$work/out")"
[ "$(grep -c '^Failure: Error: file asset tpl:' "$work/out")" = 3 ] ||
	fail "file asset: expected one Failure line per destination: $(cat "$work/out")"
[ $failed = 0 ] && echo "ok: file assets are reported as failures"
exit $failed
