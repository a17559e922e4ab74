#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/publish_compat.sh - differential test against
# cdk-assets 4.7.3 (tests/compat/node_modules/.bin/cdk-assets): the same
# asset manifest (schema 54, the most 4.7.3 reads) is published by both
# through the ECR stand-in with a fake CDK_DOCKER that records argv and
# stdin; the docker argv lists and the login password on stdin must be
# identical, and the ECR/STS calls equal but for two documented
# differences (see "ECR calls" below).
#
# The fake docker answers `inspect` with exit 1 (not cached) and
# everything else with 0, so every build option can be compared even
# where the real legacy builder would reject it (--secret, --ssh, ...).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=publish_lib.sh
. "$here/publish_lib.sh"

cdk_assets=$here/../compat/node_modules/.bin/cdk-assets
if ! [ -x "$cdk_assets" ] || ! command -v node >/dev/null; then
	echo "skipped: cdk-assets 4.7.3 is not installed (scripts/install-deps.sh)"
	exit 77
fi
: "${ECRA_ECR_LOG:?}"

cat >"$WORK/fake-docker" <<EOF
#!/bin/sh
{
	first=1
	for a in "\$@"; do
		if [ \$first = 1 ]; then printf '%s' "\$a"; first=0
		else printf '\t%s' "\$a"; fi
	done
	printf '\n'
	if [ "\$1" = login ]; then printf 'stdin=%s\n' "\$(cat)"; fi
	if [ "\$1" = build ]; then printf 'cwd=%s buildx=%s\n' "\$(pwd)" "\$BUILDX_NO_DEFAULT_ATTESTATIONS"; fi
} >>"\$FAKE_LOG"
[ "\$1" = inspect ] && exit 1
exit 0
EOF
chmod +x "$WORK/fake-docker"

m=$WORK/m
mkdir -p "$m/ctx-full" "$m/ctx-min"
tag=c$(date +%s%N)
cat >"$m/assets.json" <<EOF
{"version":"54.0.0",
 "files":{"tpl":{"source":{"path":"x.json","packaging":"file"},"destinations":{}}},
 "dockerImages":{
  "Full-ABC":{"displayName":"Full image","source":{"directory":"ctx-full",
    "dockerFile":"Dockerfile.custom","dockerBuildTarget":"stage",
    "dockerBuildArgs":{"b":"x y","10":"ten","2":"two","EQ":"a=b","EMPTY":"","Q":"it's"},
    "dockerBuildContexts":{"ctx":"/ctx"},
    "dockerBuildSecrets":{"mysecret":"src=/s.txt"},
    "dockerBuildSsh":"default","networkMode":"host","platform":"linux/arm64",
    "dockerOutputs":["type=docker","type=local,dest=out"],
    "cacheFrom":[{"type":"registry","params":{"ref":"a/b:c","mode":"max"}},{"type":"gha","params":{}}],
    "cacheTo":{"type":"inline"},"cacheDisabled":true},
   "destinations":{"d1":{"repositoryName":"ecra/test","imageTag":"$tag-full","region":"us-east-1"}}},
  "min":{"source":{"directory":"ctx-min","dockerFile":"","cacheDisabled":false},
   "destinations":{"d1":{"repositoryName":"ecra/test","imageTag":"$tag-min"}}},
  "exec":{"source":{"executable":["sh","-c","printf '  exec-image:latest \\\\n'"]},
   "destinations":{"d1":{"repositoryName":"ecra/test","imageTag":"$tag-exec"}}}}}
EOF

# run_tool NAME COMMAND...: fake docker log in $WORK/NAME.argv, stand-in
# operations in $WORK/NAME.ops.
run_tool() {
	local name=$1 n rc=0
	shift
	n=$(wc -l <"$ECRA_ECR_LOG")
	: >"$WORK/$name.argv"
	(cd "$WORK" && FAKE_LOG=$WORK/$name.argv CDK_DOCKER=$WORK/fake-docker \
		HOME=$WORK/home "$@") >"$WORK/$name.out" 2>&1 || rc=$?
	[ "$rc" = 0 ] || {
		cat "$WORK/$name.out" >&2
		fail "$name exited $rc"
	}
	tail -n +"$((n + 1))" "$ECRA_ECR_LOG" | python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    print("%s %s\t%s" % (e.get("op"), e.get("body"), e.get("status")))
' >"$WORK/$name.ops"
}
mkdir -p "$WORK/home"

echo "== cdk-assets 4.7.3"
run_tool upstream "$cdk_assets" -p "$m/assets.json" publish
echo "== ecr-assets"
run_tool ours "$ECRA_CLI" publish "$m/assets.json"

diff -u "$WORK/upstream.argv" "$WORK/ours.argv" || fail "docker argv differ from cdk-assets"

# ECR calls: see compare_ecr_calls.py for what may differ and why.
python3 "$here/compare_ecr_calls.py" "$WORK/upstream.ops" "$WORK/ours.ops" ||
	fail "ECR calls differ from cdk-assets beyond the documented differences"
grep -q "^build	--build-arg	2=two	--build-arg	10=ten	--build-arg	b=x y" "$WORK/ours.argv" ||
	fail "integer-like keys are not first"
grep -q "^tag	exec-image:latest	" "$WORK/ours.argv" || fail "executable output not trimmed"
[ "$(grep -c '^login' "$WORK/ours.argv")" = 1 ] || fail "expected one login"
echo "publish_compat: ok ($(grep -c . "$WORK/ours.argv") identical log lines)"
