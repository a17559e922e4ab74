#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/publish_secrets.sh - where secrets go (#9.5,
# docs/security.md "Secrets"). Publish runs that hold credentials:
#   - registry mode, htpasswd registry, --username/--password-stdin,
#     with --verbose and with --json (docker build/login/push);
#   - the same with a wrong password (error paths);
#   - a daemonless tarball push with those credentials;
#   - ECR mode through the stand-in (AWS secret key, ECR token);
#   - a build with a buildSecret and CDK_DOCKER_CREDS_FILE.
# After each, ALL output (stdout and stderr), every file left in TMPDIR,
# the argv and /proc/<pid>/cmdline of every docker child and of the
# ecr-assets process (captured by a logging CDK_DOCKER), and the files
# the children saw are grepped for each secret: the password, base64
# "user:password", the ECR token, the AWS secret key, the build secret.
# The private docker config is checked to be 0700 with a 0600
# config.json while docker runs, and the tool to run with RLIMIT_CORE 0.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=publish_lib.sh
. "$here/publish_lib.sh"

acct=123456789012
repo=cdk-hnb659fds-container-assets-$acct-us-east-1
reg=$ECRA_AUTH_REGISTRY
pw=$ECRA_REGISTRY_PASSWORD
basic_b64=$(printf '%s:%s' "$ECRA_REGISTRY_USER" "$pw" | base64 -w0)
build_secret=ecra-build-secret-$$-$(date +%s%N)
CAP=$WORK/captured
mkdir -p "$CAP"

# The logging docker: argv, its own and its parent's /proc cmdline, the
# parent's core limit, the private config's modes; then the real CLI.
cat >"$WORK/spy-docker" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >>"$LOG"
tr '\0' ' ' </proc/\$\$/cmdline >>"$CAP/cmdline"; echo >>"$CAP/cmdline"
tr '\0' ' ' </proc/\$PPID/cmdline >>"$CAP/cmdline"; echo >>"$CAP/cmdline"
grep '^Max core file size' /proc/\$PPID/limits >>"$CAP/limits"
if [ -n "\${DOCKER_CONFIG:-}" ] && [ -d "\$DOCKER_CONFIG" ]; then
	stat -c '%a %n' "\$DOCKER_CONFIG" >>"$CAP/modes"
	[ -f "\$DOCKER_CONFIG/config.json" ] && stat -c '%a %n' "\$DOCKER_CONFIG/config.json" >>"$CAP/modes"
fi
exec "\${SPY_REAL:-$REAL_DOCKER}" "\$@"
EOF
chmod +x "$WORK/spy-docker"
export CDK_DOCKER=$WORK/spy-docker

# check_all SECRET...: no secret in the output, TMPDIR, argv, cmdlines.
check_all() {
	local s
	for s in "$@"; do
		[ -n "$s" ] || continue
		! grep -qF -- "$s" "$WORK/out" || fail "a secret is in the output"
		! grep -rqF -- "$s" "$TMPDIR" 2>/dev/null || fail "a secret was left in TMPDIR"
		! grep -qF -- "$s" "$LOG" || fail "a secret is in a docker argv"
		! grep -qF -- "$s" "$CAP/cmdline" 2>/dev/null || fail "a secret is in a /proc cmdline"
	done
	no_temp_left
	if [ -s "$CAP/modes" ]; then
		! grep -v '^700 .*/ecra-docker-\|^600 .*/config.json$\|^700 .*/cdkDockerConfig' "$CAP/modes" ||
			fail "a private docker config was readable by others"
	fi
	if [ -s "$CAP/limits" ]; then
		! grep -v 'Max core file size *0 *0 ' "$CAP/limits" || fail "core dumps were not disabled"
	fi
}
secrets() { check_all "$pw" "$basic_b64" "$build_secret" "$AWS_SECRET_ACCESS_KEY"; }

app=$WORK/app
id1=$(printf 'sec-%s' "$$$(date +%s%N)" | sha256sum | cut -c1-64)
make_app "$app" SecStack "$id1" "secrets $id1"

echo "== registry mode with --password-stdin, --verbose"
run_cli_stdin "$pw" 0 "$app" --registry "$reg" --account $acct \
	--username "$ECRA_REGISTRY_USER" --password-stdin --verbose
grep -q '^login --username' "$LOG" || fail "no docker login"
[ -s "$CAP/modes" ] || fail "the private config was not seen"
[ -s "$CAP/limits" ] || fail "the core limit was not seen"
secrets

echo "== the same with --json and --force"
run_cli_stdin "$pw" 0 "$app" --registry "$reg" --account $acct \
	--username "$ECRA_REGISTRY_USER" --password-stdin --json --force
secrets

echo "== a wrong password: every error path"
wrong=ecra-wrong-password-$$
run_cli_stdin "$wrong" 1 "$app" --registry "$reg" --account $acct \
	--username "$ECRA_REGISTRY_USER" --password-stdin --verbose --force
check_all "$wrong" "$(printf '%s:%s' "$ECRA_REGISTRY_USER" "$wrong" | base64 -w0)"
run_cli_stdin "$wrong" 1 "$app" --registry "$reg" --account $acct \
	--username "$ECRA_REGISTRY_USER" --password-stdin --json --force
check_all "$wrong"

echo "== daemonless tarball push with credentials, --verbose and --json"
tarapp=$WORK/tarapp
mkdir -p "$tarapp"
"$REAL_DOCKER" save -o "$tarapp/image.tar" "cdkasset-$id1"
printf '%s\n' '{"version":"55.0.0","dockerImages":{"tar1":{"source":{"executable":["sh","-c","docker load -i \"$1\" | tail -n 1 | sed \"s/Loaded image[^:]*: //g\"","cdk-tarball-image-asset","image.tar"]},' \
	" \"destinations\":{\"d\":{\"repositoryName\":\"ecra/secrets-$$\",\"imageTag\":\"t1\"}}}}}" \
	>"$tarapp/T.assets.json"
run_cli_stdin "$pw" 0 "$tarapp/T.assets.json" --registry "$reg" \
	--username "$ECRA_REGISTRY_USER" --password-stdin --daemonless-tarballs --verbose
secrets
run_cli_stdin "$pw" 0 "$tarapp/T.assets.json" --registry "$reg" --force \
	--username "$ECRA_REGISTRY_USER" --password-stdin --daemonless-tarballs --json
secrets

echo "== ECR mode through the stand-in: AWS secret key and ECR token"
: >"$CAP/cmdline"
run_cli 0 "$app" --verbose --force
grep -q '^login --username' "$LOG" || fail "no docker login in ECR mode"
secrets
run_cli 0 "$app" --json --force
secrets

echo "== a buildSecret and CDK_DOCKER_CREDS_FILE"
printf '%s' "$build_secret" >"$WORK/build-secret.txt"
id2=$(printf 'sec2-%s' "$$$(date +%s%N)" | sha256sum | cut -c1-64)
make_app "$WORK/app2" Sec2Stack "$id2" "secrets $id2" "" \
	",\"dockerBuildSecrets\":{\"tok\":\"src=$WORK/build-secret.txt\"}"
printf '{"version":"1.0","domainCredentials":{"%s":{"secretsManagerSecretId":"arn:aws:secretsmanager:us-east-1:%s:secret:none"}}}' \
	"$reg" "$acct" >"$WORK/cdk-docker-creds.json"
# --secret needs BuildKit (services.env: ECRA_DOCKER_BUILDKIT)
export SPY_REAL=${ECRA_DOCKER_BUILDKIT:-$REAL_DOCKER} DOCKER_BUILDKIT=1
CDK_DOCKER_CREDS_FILE=$WORK/cdk-docker-creds.json run_cli 0 "$WORK/app2" \
	--registry "$ECRA_REGISTRY" --account $acct --verbose
grep -q -- '--secret' "$LOG" || fail "the build secret was not passed"
secrets
CDK_DOCKER_CREDS_FILE=$WORK/cdk-docker-creds.json run_cli 0 "$WORK/app2" \
	--registry "$ECRA_REGISTRY" --account $acct --json --force
secrets
echo "ok"
