#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/compat/synth/cdk_cli.sh - the real CDK CLI (aws-cdk 2.1148.1) and
# ecr-assets interoperate:
#   1. `cdk ls` and `cdk synth` accept an assembly written by
#      `ecr-assets synth --app app.json`;
#   2. a cdk.json whose "app" is the C example (examples/c-app) works with
#      `cdk synth`, and `ecr-assets synth` runs the same cdk.json the same
#      way: both assemblies are compared with compare.js (same manifest,
#      template, asset manifest, metadata, tree).
#
#   cdk_cli.sh ECR_ASSETS C_APP SOURCE_DIR
#
# No network: telemetry, notices and version checks are off and the AWS
# SDK is kept away from IMDS and real credentials.
set -eu

ecra=$(realpath "$1")
capp=$(realpath "$2")
src=$(realpath "$3")
compat="$src/tests/compat"
cdk="$compat/node_modules/.bin/cdk"

if [ ! -x "$cdk" ]; then
	echo "cdk_cli: $cdk missing (run scripts/test.sh to install npm packages)" >&2
	exit 1
fi

export CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=1
export AWS_EC2_METADATA_DISABLED=true AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= AWS_PROFILE=ecra-none
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ecra-cdk-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home"
mkdir -p "$HOME"
fails=0

check() { # name, command...
	name=$1
	shift
	if "$@" >"$tmp/out.txt" 2>"$tmp/err.txt"; then
		echo "ok   $name"
	else
		echo "FAIL $name (exit $?): $*"
		sed 's/^/     /' "$tmp/err.txt" | tail -20
		fails=$((fails + 1))
	fi
}

expect_out() { # name, pattern
	if grep -q -- "$2" "$tmp/out.txt"; then
		echo "ok   $1"
	else
		echo "FAIL $1: output lacks '$2':"
		sed 's/^/     /' "$tmp/out.txt" | head -20
		fails=$((fails + 1))
	fi
}

# 1. our assembly, read by the CDK CLI
mkdir -p "$tmp/json"
cp -r "$src/examples/image" "$src/examples/json-app" "$tmp/json/"
cd "$tmp/json"
check "ecr-assets synth --app app.json" \
	"$ecra" synth --app json-app/app.json -o "$tmp/json/cdk.out"
check "cdk ls --app <our cdk.out>" \
	"$cdk" ls --app "$tmp/json/cdk.out" --no-notices
expect_out "cdk ls lists ExampleStack" '^ExampleStack$'
check "cdk synth --app <our cdk.out>" \
	"$cdk" synth --app "$tmp/json/cdk.out" --no-notices
expect_out "cdk synth prints the template" 'AWS::IAM::Policy'
check "cdk synth --app <our cdk.out> ExampleStack -j" \
	"$cdk" synth --app "$tmp/json/cdk.out" --no-notices -j ExampleStack
expect_out "cdk synth prints our image URI" \
	'cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}:e2dff1c0'

# 2. the C example as the app of a cdk.json, run by cdk and by us
for side in cdk ours; do
	mkdir -p "$tmp/$side"
	cp -r "$src/examples/image" "$tmp/$side/"
	printf '{"app": "%s image", "context": {"@aws-cdk/core:bootstrapQualifier": "cliqual1"}}\n' \
		"$capp" >"$tmp/$side/cdk.json"
done
cd "$tmp/cdk"
check "cdk synth (cdk.json app = C example)" \
	"$cdk" synth --no-notices -q -c greeting=hi
check "ecr-assets ls <cdk's cdk.out>" "$ecra" ls cdk.out
expect_out "the C app's stack under cdk" '^ExampleStack  aws://unknown-account/unknown-region$'
cd "$tmp/ours"
check "ecr-assets synth (same cdk.json)" "$ecra" synth -c greeting=hi
expect_out "ecr-assets synth lists the stack" '^ExampleStack  aws://unknown-account/unknown-region$'
check "cdk and ecr-assets run the app the same way" \
	node -e '
		const { compareAssemblies } = require(process.argv[1]);
		const p = compareAssemblies(process.argv[2], process.argv[3],
			[process.argv[4], process.argv[5]]);
		for (const x of p) console.error(x);
		process.exit(p.length ? 1 : 0);' \
	"$compat/synth/compare.js" "$tmp/ours/cdk.out" "$tmp/cdk/cdk.out" \
	"$tmp/ours" "$tmp/cdk"

if [ "$fails" -ne 0 ]; then
	echo "cdk_cli: $fails check(s) failed"
	exit 1
fi
echo "cdk_cli: all checks passed"
