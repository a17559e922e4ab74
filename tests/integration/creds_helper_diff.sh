#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/creds_helper_diff.sh - our docker-credential-cdk-assets
# against cdk-assets 4.7.3's (node), on the same credentials files and
# inputs, against the ECR/STS/Secrets Manager stand-in.
#
# For each case both helpers run with the same environment and stdin:
# stdout and the exit status must be identical; on errors, cdk-assets'
# first stderr line (its stack's head, "Error: " stripped) must equal our
# one line. The requests they make (operation, body, SigV4 region, and the
# AssumeRole session name) must be the same too. Then the cases where we
# differ on purpose: an exact host:port key (ours answers, theirs says
# "unknown domain"), and a stack trace (theirs) versus one line (ours).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if [ -z "${ECRA_ECR_ENDPOINT:-}" ] || [ -z "${ECRA_ECR_LOG:-}" ]; then
	echo "skipped: source tests/integration/services.env first"
	exit 77
fi
: "${ECRA_CRED_HELPER:?set ECRA_CRED_HELPER to docker-credential-cdk-assets}"
node_helper=$here/../compat/node_modules/cdk-assets/bin/docker-credential-cdk-assets
if ! [ -f "$node_helper" ] || ! command -v node >/dev/null; then
	echo "skipped: cdk-assets 4.7.3 is not installed (scripts/install-deps.sh)"
	exit 77
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ecra-credhelper-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
control() {
	curl -s --noproxy '*' -X POST -d "$1" "$ECRA_ECR_ENDPOINT/__control" >/dev/null
}
log_lines() { wc -l <"$ECRA_ECR_LOG"; }
# The requests since line N: op, body, region, session name.
calls_since() {
	tail -n +"$(($1 + 1))" "$ECRA_ECR_LOG" | python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    p = e.get("params") or {}
    body = e.get("body") if e.get("op") != "AssumeRole" else \
        "RoleArn=%s RoleSessionName=%s" % (p.get("RoleArn"),
                                            p.get("RoleSessionName"))
    print(e.get("op"), e.get("status"), e.get("region"), body)
'
}

t=$(date +%s%N)
pw="pw-$t"
control "$(python3 -c '
import json, sys
t, pw = sys.argv[1], sys.argv[2]
print(json.dumps({"secrets": {
    "diff/default-" + t: {"SecretString": json.dumps(
        {"username": "alice", "secret": pw})},
    "diff/custom-" + t: {"SecretString": json.dumps(
        {"u": "bob", "p": pw + "\"\\\n\u00e9", "username": "x"})},
    "diff/missing-" + t: {"SecretString": json.dumps({"username": "carol"})},
    "diff/empty-" + t: {"SecretString": json.dumps(
        {"username": "", "secret": "s"})},
    "diff/binary-" + t: {"SecretBinary": "AAECAw=="},
}}))
' "$t" "$pw")"
role=arn:aws:iam::$ECRA_AWS_ACCOUNT:role/ecra-cred-helper
cat >"$WORK/creds.json" <<EOF
{"version":"1.0","domainCredentials":{
 "127.0.0.1":{"ecrRepository":true},
 "https://alt.example.com:8443":{"ecrRepository":true},
 "role-ecr.example":{"ecrRepository":true,"assumeRoleArn":"$role"},
 "sm.example":{"secretsManagerSecretId":"diff/default-$t"},
 "custom.example":{"secretsManagerSecretId":"diff/custom-$t",
   "secretsUsernameField":"u","secretsPasswordField":"p"},
 "role-sm.example":{"secretsManagerSecretId":"diff/default-$t","assumeRoleArn":"$role"},
 "missing.example":{"secretsManagerSecretId":"diff/missing-$t"},
 "empty.example":{"secretsManagerSecretId":"diff/empty-$t"},
 "binary.example":{"secretsManagerSecretId":"diff/binary-$t"},
 "nosuch.example":{"secretsManagerSecretId":"diff/nosuch-$t"},
 "none.example":{"assumeRoleArn":"$role"},
 "falsy.example":{"ecrRepository":false,"secretsManagerSecretId":""},
 "port.example:5000":{"ecrRepository":true}}}
EOF
printf '{not json' >"$WORK/broken.json"
echo null >"$WORK/null.json"

# run WHO FILE INPUT [ARGS...]: $WORK/WHO.{out,err,rc}
run() {
	local who=$1 file=$2 input=$3 rc=0
	shift 3
	local cmd=("$ECRA_CRED_HELPER")
	[ "$who" = node ] && cmd=(node "$node_helper")
	printf '%s' "$input" | CDK_DOCKER_CREDS_FILE=$file NODE_NO_WARNINGS=1 \
		"${cmd[@]}" "$@" >"$WORK/$who.out" 2>"$WORK/$who.err" || rc=$?
	echo "$rc" >"$WORK/$who.rc"
}

cases=0
# same FILE INPUT [ARGS...]: both helpers agree.
same() {
	local file=$1 input=$2 n1 n2 theirs ours
	shift 2
	n1=$(log_lines)
	run node "$file" "$input" "$@"
	calls_since "$n1" >"$WORK/node.calls"
	n2=$(log_lines)
	run ours "$file" "$input" "$@"
	calls_since "$n2" >"$WORK/ours.calls"
	cmp -s "$WORK/node.out" "$WORK/ours.out" ||
		fail "[$input $*] stdout differs: $(cat "$WORK/node.out") vs $(cat "$WORK/ours.out")"
	cmp -s "$WORK/node.rc" "$WORK/ours.rc" ||
		fail "[$input $*] exit status differs: $(cat "$WORK/node.rc") vs $(cat "$WORK/ours.rc")"
	if [ "$(cat "$WORK/ours.rc")" != 0 ]; then
		theirs=$(head -n 1 "$WORK/node.err" | sed 's/^Error: //')
		ours=$(cat "$WORK/ours.err")
		[ "$theirs" = "$ours" ] || fail "[$input $*] error differs: '$theirs' vs '$ours'"
		[ "$(wc -l <"$WORK/ours.err")" = 1 ] || fail "[$input] not one line"
	else
		[ ! -s "$WORK/ours.err" ] || fail "[$input] stderr on success: $(cat "$WORK/ours.err")"
	fi
	diff -u "$WORK/node.calls" "$WORK/ours.calls" ||
		fail "[$input $*] AWS requests differ"
	cases=$((cases + 1))
}

c=$WORK/creds.json
echo "== lookups and ECR"
same "$c" "127.0.0.1:5000" get        # hostname; the port is dropped
same "$c" "127.0.0.1" get
same "$c" "https://127.0.0.1/v2/" get
same "$c" "  127.0.0.1:5000 "$'\n' get # trimmed
same "$c" "alt.example.com:8443" get  # the whole URL as the key
same "$c" "role-ecr.example" get      # AssumeRole, then ECR
same "$c" "other.example:1234" get    # unknown domain
same "$c" "none.example" get          # unknown credential type
same "$c" "falsy.example" get
echo "== Secrets Manager"
same "$c" "sm.example" get
same "$c" "custom.example" get        # field names; escaping of the JSON
same "$c" "role-sm.example" get       # AssumeRole, then GetSecretValue
same "$c" "missing.example" get       # malformed secret string
same "$c" "empty.example" get
same "$c" "binary.example" get        # no SecretString
same "$c" "nosuch.example" get        # ResourceNotFoundException
echo "== files and verbs"
same "$WORK/absent.json" "127.0.0.1" get
same "$WORK/broken.json" "127.0.0.1" get
same "$WORK/null.json" "127.0.0.1" get
same "$c" "127.0.0.1" store
same "$c" "127.0.0.1" erase
same "$c" "127.0.0.1" list
same "$c" "127.0.0.1"
same "$c" "127.0.0.1" get extra
echo "== no region"
(
	unset AWS_REGION
	export AWS_CONFIG_FILE=$WORK/no-config AWS_SHARED_CREDENTIALS_FILE=$WORK/no-creds
	same "$c" "sm.example" get
) || exit 1
cases=$((cases + 1))

echo "== where we differ on purpose"
run node "$c" "port.example:5000" get
run ours "$c" "port.example:5000" get
[ "$(cat "$WORK/node.rc")" = 1 ] && grep -q '^Error: unknown domain port.example$' "$WORK/node.err" ||
	fail "cdk-assets' helper now matches host:port keys: update docs/compatibility.md"
[ "$(cat "$WORK/ours.rc")" = 0 ] && grep -q '^{"Username":"' "$WORK/ours.out" ||
	fail "our helper does not match an exact host:port key"
run node "$c" "nope.example" get
[ "$(wc -l <"$WORK/node.err")" -gt 1 ] || fail "expected a stack from cdk-assets' helper"
! grep -qF -- "$pw" "$WORK/ours.err" || fail "a secret in our stderr"
echo "creds_helper_diff: ok ($cases cases identical)"
