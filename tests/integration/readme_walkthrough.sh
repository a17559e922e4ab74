#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/readme_walkthrough.sh ECR_ASSETS SOURCE_DIR - run the
# README's "A first publish, step by step" exactly as written (the sh
# blocks between <!-- walkthrough:begin --> and <!-- walkthrough:end -->),
# with `ecr-assets` on PATH, aws-cdk-lib from tests/compat/node_modules and
# the integration services (services.env); then check what each step
# did: synth wrote both stacks, the first publish pushed, the second was a
# no-op, the tarball went out without docker. Skipped (77) without the
# services or node.
set -uo pipefail

ecra=$(realpath "$1")
src=$(realpath "$2")
if [ -z "${DOCKER_HOST:-}" ] || [ -z "${ECRA_REGISTRY:-}" ]; then
	echo "skipped: source tests/integration/services.env first"
	exit 77
fi
if ! command -v node >/dev/null || [ ! -d "$src/tests/compat/node_modules/aws-cdk-lib" ]; then
	echo "skipped: needs node and tests/compat/node_modules/aws-cdk-lib"
	exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/ecra-walkthrough.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
	echo "FAIL: $*" >&2
	sed 's/^/  | /' "$work/log" >&2
	exit 1
}

# The walk-through, as the README has it.
awk '/<!-- walkthrough:begin -->/ { on = 1; next }
     /<!-- walkthrough:end -->/ { on = 0 }
     on && /^```/ { code = !code; next }
     on && code' "$src/README.md" >"$work/walkthrough.sh"
[ -s "$work/walkthrough.sh" ] || fail "no walk-through in README.md"
grep -q 'ecr-assets publish' "$work/walkthrough.sh" || fail "walk-through has no publish"

# Fresh repositories per run (the registry is shared and outlives the
# test): the account number, part of every repository name, is replaced
# by a unique one; nothing else of the walk-through changes.
account=$(printf '%012d' $(( ($(date +%s%N) / 1000 + $$) % 1000000000000 )))
sed -i "s/123456789012/$account/g" "$work/walkthrough.sh"

mkdir -p "$work/bin" "$work/home" "$work/tmp"
ln -s "$ecra" "$work/bin/ecr-assets"
export PATH="$work/bin:$PATH" HOME="$work/home" TMPDIR="$work/tmp"
export NODE_PATH="$src/tests/compat/node_modules" AWS_REGION=us-east-1
unset CDK_DOCKER CDK_DEFAULT_ACCOUNT
(cd "$work" && bash -euxo pipefail "$work/walkthrough.sh") >"$work/log" 2>&1 ||
	fail "the README walk-through failed"

# What each step did.
grep -q '^HelloStack' "$work/log" && grep -q '^BaseStack' "$work/log" ||
	fail "synth did not list HelloStack and BaseStack"
[ -f "$work/hello-cdk/cdk.out/HelloStack.assets.json" ] || fail "no cdk.out/HelloStack.assets.json"
grep -Eq '^[0-9a-f]{64}$' "$work/log" || fail "hash printed no 64-hex fingerprint"
grep -c 'info   : published 1, skipped 0 (already present), failed 0' "$work/log" |
	grep -qx 2 || fail "expected two publishes that pushed one image each (image, tarball)"
grep -q 'info   : published 0, skipped 1 (already present), failed 0; 0 builds' "$work/log" ||
	fail "the second publish was not a no-op"
grep -q 'Pushing tarball .*\.tar without docker' "$work/log" ||
	fail "the tarball was not pushed daemonless"
leftover=$(find "$work/tmp" -mindepth 1 -maxdepth 1 | head -1)
[ -z "$leftover" ] || fail "temporary files left behind: $leftover"
echo "ok: the README walk-through runs as written"
