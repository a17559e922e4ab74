#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/publish_ecr.sh - `ecr-assets publish` in ECR mode
# through the ECR/STS stand-in (SigV4 verified by botocore) to the real
# htpasswd docker-registry with the real dockerd: placeholders resolved
# with GetCallerIdentity, the image-publishing role assumed, the exact
# ECR call sequence and docker argv of cdk-assets, the image pulled back
# and run; a second publish makes no docker call; failures (unknown
# repository, bad signature, throttling, daemon down) are clear, exit 1,
# and never show the registry password or the ECR token.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=publish_lib.sh
. "$here/publish_lib.sh"

: "${ECRA_ECR_ENDPOINT:?}" "${ECRA_ECR_LOG:?}" "${ECRA_AWS_ACCOUNT:?}"
acct=$ECRA_AWS_ACCOUNT
repo=cdk-hnb659fds-container-assets-$acct-us-east-1
reg=$ECRA_AUTH_REGISTRY
token_b64=$(printf '%s:%s' "$ECRA_REGISTRY_USER" "$ECRA_REGISTRY_PASSWORD" | base64 -w0)
control() {
	curl -s --noproxy '*' -X POST -d "$1" "$ECRA_ECR_ENDPOINT/__control" >/dev/null
}
# ops_since N: the stand-in operations logged after line N.
ops_since() {
	tail -n +"$(($1 + 1))" "$ECRA_ECR_LOG" | python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    print(e.get("op"), e.get("status"), e.get("error") or "")
'
}
log_lines() { wc -l <"$ECRA_ECR_LOG"; }

app=$WORK/app
id1=$(printf 'ecr-%s' "$$$(date +%s%N)" | sha256sum | cut -c1-64)
make_app "$app" EcrStack "$id1" "from ecr $id1"

echo "== publish through the stand-in"
n=$(log_lines)
run_cli 0 "$app" --verbose
expect_out "check: Check $reg/$repo:$id1"
expect_out "debug: Fetching ECR authorization token"
expect_out "success: Published EcrStack/Image (current_account-current_region-0a1b2c3d)"
# DescribeRepositories and DescribeImages are sent together (either may
# be logged first): compare them sorted.
ops_since "$n" >"$WORK/ops.raw"
{ sed -n 1,2p "$WORK/ops.raw"; sed -n 3,4p "$WORK/ops.raw" | sort; sed -n '5,$p' "$WORK/ops.raw"; } >"$WORK/ops"
printf '%s\n' "GetCallerIdentity 200 " "AssumeRole 200 " \
	"DescribeImages 400 ImageNotFoundException" "DescribeRepositories 200 " \
	"GetAuthorizationToken 200 " >"$WORK/want-ops"
diff -u "$WORK/want-ops" "$WORK/ops" || fail "ECR/STS call sequence differs"
printf 'login\t--username\t%s\t--password-stdin\t%s\ninspect\tcdkasset-%s\nbuild\t--tag\tcdkasset-%s\t.\ntag\tcdkasset-%s\t%s\npush\t%s\n' \
	"$ECRA_REGISTRY_USER" "$reg" "$id1" "$id1" "$id1" "$reg/$repo:$id1" \
	"$reg/$repo:$id1" >"$WORK/want"
diff -u "$WORK/want" "$LOG" || fail "docker argv differ"
no_secret_argv "$ECRA_REGISTRY_PASSWORD" "$token_b64"
no_temp_left
tags_of "$reg" "$repo" "$ECRA_REGISTRY_USER:$ECRA_REGISTRY_PASSWORD" |
	grep -qF "\"$id1\"" || fail "tag not in the registry"
# Pull back with a throwaway login, run offline.
(
	export DOCKER_CONFIG=$WORK/pull-config
	mkdir -p "$DOCKER_CONFIG"
	printf '%s' "$ECRA_REGISTRY_PASSWORD" | "$REAL_DOCKER" login \
		--username "$ECRA_REGISTRY_USER" --password-stdin "$reg" >/dev/null
	pull_and_run "$reg/$repo:$id1" "from ecr $id1"
)
# The signing identity of the ECR calls was the assumed role.
tail -n 3 "$ECRA_ECR_LOG" | grep -q '"x-amz-security-token"' ||
	fail "ECR calls were not signed with the assumed role's session"

echo "== second publish: only the checks, no docker"
n=$(log_lines)
run_cli 0 "$app" --verbose
expect_out "found: Found $reg/$repo:$id1"
[ "$(docker_calls)" = 0 ] || fail "docker ran: $(cat "$LOG")"
! ops_since "$n" | grep -q GetAuthorizationToken || fail "logged in for nothing"

echo "== several assets in one repository: one DescribeImages checks them all"
apps=()
for k in a b c; do
	idk=$(printf 'multi-%s-%s' "$k" "$$$(date +%s%N)" | sha256sum | cut -c1-64)
	make_app "$WORK/multi-$k" "Multi$k" "$idk" "multi $k $idk"
	apps+=("$WORK/multi-$k")
done
run_cli 0 "${apps[@]}" --parallel 2
expect_out "published 3, skipped 0"
n=$(log_lines)
run_cli 0 "${apps[@]}" --parallel 2
expect_out "published 0, skipped 3"
[ "$(docker_calls)" = 0 ] || fail "docker ran: $(cat "$LOG")"
ops_since "$n" >"$WORK/ops.multi"
[ "$(grep -c '^DescribeImages' "$WORK/ops.multi")" = 1 ] ||
	fail "expected one DescribeImages for three present images: $(cat "$WORK/ops.multi")"
grep -q '^DescribeImages 200' "$WORK/ops.multi" || fail "the probe failed"
tail -n +"$((n + 1))" "$ECRA_ECR_LOG" | python3 -c '
import json, sys
ids = [i for l in sys.stdin for e in [json.loads(l)]
       if e["op"] == "DescribeImages" for i in e["params"]["imageIds"]]
sys.exit(0 if len(ids) == 3 else 1)' || fail "the probe did not ask for the three tags"
echo "== one of them changed: the probe fails, each asks for itself"
idd=$(printf 'multi-d-%s' "$$$(date +%s%N)" | sha256sum | cut -c1-64)
make_app "$WORK/multi-d" Multid "$idd" "multi d $idd"
n=$(log_lines)
run_cli 0 "${apps[@]}" "$WORK/multi-d" --parallel 2
expect_out "published 1, skipped 3"
ops_since "$n" >"$WORK/ops.multi"
[ "$(grep -c '^DescribeImages 400 ImageNotFoundException' "$WORK/ops.multi")" = 2 ] ||
	fail "expected the failed probe and the new image's check: $(cat "$WORK/ops.multi")"
[ "$(grep -c '^DescribeImages 200' "$WORK/ops.multi")" = 3 ] ||
	fail "expected three single checks after the probe: $(cat "$WORK/ops.multi")"

echo "== --daemonless-tarballs: pushed with the ECR token, no docker"
tarapp=$WORK/tarapp
mkdir -p "$tarapp"
"$REAL_DOCKER" save -o "$tarapp/asset.$id1.tar" "$reg/$repo:$id1"
cat >"$tarapp/T.assets.json" <<EOF
{"version":"55.0.0","dockerImages":{"tar$id1":{"source":{"executable":["sh","-c","docker load -i \"\$1\" | tail -n 1 | sed \"s/Loaded image[^:]*: //g\"","cdk-tarball-image-asset","asset.$id1.tar"]},
 "destinations":{"d":{"repositoryName":"ecra/test","imageTag":"tar-$id1"}}}}}
EOF
n=$(log_lines)
CDK_DOCKER=/nonexistent/docker run_cli 0 "$tarapp/T.assets.json" --daemonless-tarballs
expect_out "published 1"
ops_since "$n" | grep -q '^GetAuthorizationToken 200' || fail "no ECR token fetched"
tags_of "$reg" ecra/test "$ECRA_REGISTRY_USER:$ECRA_REGISTRY_PASSWORD" |
	grep -qF "\"tar-$id1\"" || fail "tarball tag not in the registry"
no_secret_argv "$ECRA_REGISTRY_PASSWORD" "$token_b64"

echo "== unknown repository"
app2=$WORK/app2
make_app "$app2" Missing "$id1" "x" "ecra/no-such-repo"
run_cli 1 "$app2"
expect_out "No ECR repository named 'ecra/no-such-repo' in account $acct. Is this account bootstrapped?"

echo "== bad signature (wrong secret key)"
AWS_SECRET_ACCESS_KEY=wrong-secret-key-000 run_cli 1 "$app"
expect_out "Failure: "
no_secret "wrong-secret-key-000" "$AWS_SECRET_ACCESS_KEY"

echo "== throttling is retried, then succeeds"
control '{"faults":[{"op":"DescribeImages","error":"ThrottlingException","status":400,"count":2}]}'
n=$(log_lines)
run_cli 0 "$app"
[ "$(ops_since "$n" | grep -c '^DescribeImages')" = 3 ] ||
	fail "expected 3 DescribeImages attempts: $(ops_since "$n")"

echo "== access denied on the check fails the entry"
control '{"faults":[{"op":"DescribeImages","error":"AccessDeniedException","status":400,"count":1}]}'
run_cli 1 "$app"
expect_out "AccessDeniedException"

echo "== daemon down"
id3=$(printf 'ecr3-%s' "$$$(date +%s%N)" | sha256sum | cut -c1-64)
app3=$WORK/app3
make_app "$app3" Down "$id3" "x"
DOCKER_HOST=unix://$WORK/none.sock run_cli 1 "$app3"
expect_out "cannot reach the docker daemon"
no_secret_argv "$ECRA_REGISTRY_PASSWORD" "$token_b64"
no_temp_left

echo "== no region"
env -u AWS_REGION "$ECRA_CLI" publish "$app3" >"$WORK/out" 2>&1 && fail "published without a region"
expect_out "Region is missing"
control '{"reset":true}' || true
echo "publish_ecr: ok"
