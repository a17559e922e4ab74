#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/main_job.sh CLI - run scripts/main-job.sh against the
# running integration services and check it printed a pullable URI whose
# image prints the example's greeting; a second run publishes nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
: "${DOCKER_HOST:?run through scripts/test.sh (services.env)}"
: "${ECRA_REGISTRY:?run through scripts/test.sh (services.env)}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {
	ECRA_SKIP_INSTALL=1 ECRA_CLI="$1" ECRA_MAIN_WORK="$work" \
	    "$here/scripts/main-job.sh" >"$work/out" 2>"$work/err" || {
		cat "$work/err" >&2
		echo "FAIL: main-job.sh exited non-zero" >&2
		exit 1
	}
}
run "$1"
uri=$(tail -n 1 "$work/out")
case "$uri" in
"$ECRA_REGISTRY"/cdk-hnb659fds-container-assets-*:*) ;;
*) echo "FAIL: unexpected URI '$uri'" >&2; exit 1 ;;
esac
grep -qx 'hello from ecr-assets' "$work/err" || { echo "FAIL: the image did not print its greeting" >&2; exit 1; }
run "$1"
grep -q '"published":0,"skipped":1' "$work/events.json" ||
	{ echo "FAIL: second run was not a no-op: $(tail -n 1 "$work/events.json")" >&2; exit 1; }
echo "ok: $uri"
