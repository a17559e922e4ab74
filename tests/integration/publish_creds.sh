#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/publish_creds.sh - the CDK docker credentials file
# (CDK_DOCKER_CREDS_FILE) end to end.
#
# 1. Against cdk-assets 4.7.3 with a fake CDK_DOCKER that logs argv and
#    the config.json named by --config: the same docker argv (the config
#    directory's name aside), the same config.json, the same ECR call
#    sequence (login only after the build); ours leaves no temp directory.
# 2. A real build whose base image is on the htpasswd registry:
#    `FROM <auth registry>/ecra-base/busybox:<tag>`. Without the file (and
#    without any login: registry mode to the plain registry) the pull is
#    refused; with a file whose domain `<host>:<port>` names a
#    Secrets Manager secret of the stand-in (custom field names), docker
#    asks our docker-credential-cdk-assets (found through the PATH prefix),
#    which reads the secret, the build pulls the base and the image is
#    published to ECR (the stand-in). In this flow the build runs before
#    the ECR login and with its own --config, so only the helper can have
#    given docker the credentials. No password in any output, no
#    temp directory left.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=publish_lib.sh
. "$here/publish_lib.sh"

: "${ECRA_ECR_ENDPOINT:?}" "${ECRA_ECR_LOG:?}" "${ECRA_AWS_ACCOUNT:?}"
cdk_assets=$here/../compat/node_modules/.bin/cdk-assets
reg=$ECRA_AUTH_REGISTRY
acct=$ECRA_AWS_ACCOUNT
control() {
	curl -s --noproxy '*' -X POST -d "$1" "$ECRA_ECR_ENDPOINT/__control" >/dev/null
}
ops_since() {
	tail -n +"$(($1 + 1))" "$ECRA_ECR_LOG" | python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    print("%s %s\t%s" % (e.get("op"), e.get("body"), e.get("status")))
'
}
log_lines() { wc -l <"$ECRA_ECR_LOG"; }
mkdir -p "$WORK/empty-config" "$WORK/home"
echo '{}' >"$WORK/empty-config/config.json"

# ---------------------------------------------------------------- part 1
if [ -x "$cdk_assets" ] && command -v node >/dev/null; then
	echo "== argv and config.json against cdk-assets 4.7.3"
	cat >"$WORK/fake-docker" <<'EOF'
#!/bin/sh
{
	if [ "$1" = --config ]; then
		printf 'config.json=%s\n' "$(cat "$2/config.json")"
		printf -- '--config\t<CFG>'
		shift 2
		for a in "$@"; do printf '\t%s' "$a"; done
	else
		first=1
		for a in "$@"; do
			if [ $first = 1 ]; then printf '%s' "$a"; first=0
			else printf '\t%s' "$a"; fi
		done
	fi
	printf '\n'
	case " $* " in *" login "*) printf 'stdin=%s\n' "$(cat)" ;; esac
} >>"$FAKE_LOG"
case " $* " in *" inspect "*) exit 1 ;; esac
exit 0
EOF
	chmod +x "$WORK/fake-docker"
	m=$WORK/m
	mkdir -p "$m/ctx"
	echo 'FROM scratch' >"$m/ctx/Dockerfile"
	t=k$(date +%s%N)
	cat >"$m/assets.json" <<EOF
{"version":"54.0.0",
 "dockerImages":{
  "Dir-A":{"source":{"directory":"ctx","dockerBuildArgs":{"X":"1"}},
   "destinations":{"d1":{"repositoryName":"ecra/test","imageTag":"$t-dir"}}},
  "exec":{"source":{"executable":["sh","-c","echo exec-image:latest"]},
   "destinations":{"d1":{"repositoryName":"ecra/test","imageTag":"$t-exec"}}}}}
EOF
	cat >"$WORK/creds1.json" <<EOF
{"version":"1.0","domainCredentials":{
 "$reg":{"ecrRepository":true},
 "private.example.com":{"secretsManagerSecretId":"s1","secretsUsernameField":"u"}}}
EOF
	compare_run() { # NAME COMMAND...
		local name=$1 n rc=0
		shift
		n=$(log_lines)
		: >"$WORK/$name.argv"
		mkdir -p "$WORK/tmp-$name"
		(cd "$WORK" && FAKE_LOG=$WORK/$name.argv CDK_DOCKER=$WORK/fake-docker \
			CDK_DOCKER_CREDS_FILE=$WORK/creds1.json \
			DOCKER_CONFIG=$WORK/empty-config HOME=$WORK/home \
			TMPDIR=$WORK/tmp-$name NODE_NO_WARNINGS=1 "$@") \
			>"$WORK/$name.out" 2>&1 || rc=$?
		[ "$rc" = 0 ] || {
			cat "$WORK/$name.out" >&2
			fail "$name exited $rc"
		}
		ops_since "$n" >"$WORK/$name.ops"
	}
	compare_run upstream "$cdk_assets" -p "$m/assets.json" publish
	compare_run ours "$ECRA_CLI" publish "$m/assets.json"
	diff -u "$WORK/upstream.argv" "$WORK/ours.argv" ||
		fail "docker argv or config.json differ from cdk-assets"
	python3 "$here/compare_ecr_calls.py" "$WORK/upstream.ops" \
		"$WORK/ours.ops" ||
		fail "ECR calls differ from cdk-assets beyond the documented differences"
	[ "$(grep -c '^--config	<CFG>	' "$WORK/ours.argv")" = 4 ] ||
		fail "expected --config on inspect, build and two tags"
	grep -q '^config.json={"credHelpers":{"'"$reg"'":"cdk-assets","private.example.com":"cdk-assets"}}$' \
		"$WORK/ours.argv" || fail "unexpected config.json"
	# login after the builds, and without --config
	awk '/^login/ {l=NR} /^--config\t<CFG>\ttag/ && !t {t=NR}
		END {exit !(t && l > t)}' "$WORK/ours.argv" ||
		fail "login is not after the build"
	left=$(find "$WORK/tmp-ours" -mindepth 1 | wc -l)
	[ "$left" = 0 ] || fail "ours left $left temp entries"
	upleft=$(find "$WORK/tmp-upstream" -mindepth 1 -maxdepth 1 -name 'cdkDockerConfig*' | wc -l)
	echo "publish_creds: argv identical ($(grep -c . "$WORK/ours.argv") lines); cdk-assets left $upleft config dir(s), we left 0"
else
	echo "cdk-assets 4.7.3 is not installed: part 1 skipped"
fi

# ---------------------------------------------------------------- part 2
echo "== a build that pulls its base image through docker-credential-cdk-assets"
t=$(date +%s%N)
base=$reg/ecra-base/busybox:$t
secret_id=ecra/base-cred-$t
throwaway=$WORK/throwaway-config
mkdir -p "$throwaway"
echo '{}' >"$throwaway/config.json"
printf '%s' "$ECRA_REGISTRY_PASSWORD" | DOCKER_CONFIG=$throwaway \
	"$REAL_DOCKER" login -u "$ECRA_REGISTRY_USER" --password-stdin "$reg" >/dev/null 2>&1 ||
	fail "login to the auth registry"
"$REAL_DOCKER" tag "$BASE_IMAGE" "$base"
CLEAN_IMAGES+=("$base")
DOCKER_CONFIG=$throwaway "$REAL_DOCKER" push "$base" >/dev/null || fail "push of the base image"
rm -rf "$throwaway"
"$REAL_DOCKER" rmi "$base" >/dev/null

control "$(python3 -c '
import json, sys
print(json.dumps({"secrets": {sys.argv[1]: {"SecretString": json.dumps(
    {"login": sys.argv[2], "pass": sys.argv[3]})}}}))
' "$secret_id" "$ECRA_REGISTRY_USER" "$ECRA_REGISTRY_PASSWORD")"
creds=$WORK/creds2.json
cat >"$creds" <<EOF
{"version":"1.0","domainCredentials":{"$reg":{
 "secretsManagerSecretId":"$secret_id",
 "secretsUsernameField":"login","secretsPasswordField":"pass"}}}
EOF
export DOCKER_CONFIG=$WORK/empty-config
BASE_IMAGE=$base
repo=cdk-hnb659fds-container-assets-$acct-us-east-1

# Without the file the base cannot be pulled (registry mode to the plain
# registry: no login to the auth registry at all).
id0=$(printf 'creds0-%s' "$t" | sha256sum | cut -c1-64)
make_app "$WORK/app0" CredsStack "$id0" "no creds"
CDK_DOCKER_CREDS_FILE=$WORK/none.json run_cli 1 "$WORK/app0" \
	--registry "$ECRA_REGISTRY" --account "$acct"
grep -qiE 'no basic auth|unauthorized|authentication required' "$WORK/out" ||
	fail "the build without credentials did not fail on authentication"
no_secret_argv "$ECRA_REGISTRY_PASSWORD"

# With the file it is.
id1=$(printf 'creds1-%s' "$t" | sha256sum | cut -c1-64)
make_app "$WORK/app1" CredsStack "$id1" "with creds $t"
n=$(log_lines)
CDK_DOCKER_CREDS_FILE=$creds run_cli 0 "$WORK/app1" --verbose
expect_out "Using CDK docker credentials from $creds (1 domain)"
expect_out "success: Published CredsStack/Image"
grep -q "^--config	$TMPDIR/cdkDockerConfig-ecra-[0-9]*-[0-9]*-......	build	--tag	cdkasset-$id1	.$" "$LOG" ||
	fail "the build did not run with --config"
tail -n +"$((n + 1))" "$ECRA_ECR_LOG" | python3 -c '
import json, sys
calls = [json.loads(l) for l in sys.stdin]
sm = [c for c in calls if c.get("op") == "GetSecretValue"]
assert sm, "no GetSecretValue call: the helper was not used"
assert all(c["status"] == 200 for c in sm), sm
assert all(c["params"] == {"SecretId": sys.argv[1]} for c in sm), sm
assert all(c["region"] == "us-east-1" for c in sm), sm
print("publish_creds: %d GetSecretValue call(s) by the helper" % len(sm))
' "$secret_id" || fail "the stand-in did not see the helper's GetSecretValue"
tags_of "$reg" "$repo" "$ECRA_REGISTRY_USER:$ECRA_REGISTRY_PASSWORD" |
	grep -qF "\"$id1\"" || fail "the image is not in the registry"
no_secret_argv "$ECRA_REGISTRY_PASSWORD" \
	"$(printf '%s:%s' "$ECRA_REGISTRY_USER" "$ECRA_REGISTRY_PASSWORD" | base64 -w0)"
left=$(find "$TMPDIR" -mindepth 1 -maxdepth 1 | wc -l)
[ "$left" = 0 ] || fail "$left temp entries left in TMPDIR: $(ls "$TMPDIR")"
CLEAN_IMAGES+=("$reg/$repo:$id1")
echo "publish_creds: ok"
