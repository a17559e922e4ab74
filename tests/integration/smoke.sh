#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/smoke.sh - prove the integration services work: build
# an image on the private dockerd (classic builder, and BuildKit through
# /usr/bin/docker), push it to the registry without auth and, after
# `docker login` with a throwaway DOCKER_CONFIG, to the auth registry,
# delete it locally, pull it back and run it. Exits 77 (skipped) when
# services.env was not sourced.
set -euo pipefail

if [ -z "${DOCKER_HOST:-}" ] || [ -z "${ECRA_REGISTRY:-}" ]; then
	echo "skipped: source tests/integration/services.env first"
	exit 77
fi
docker=${ECRA_DOCKER:-docker}
buildkit=${ECRA_DOCKER_BUILDKIT:-$docker}
work=$(mktemp -d "${TMPDIR:-/tmp}/ecra-smoke-XXXXXX")
export DOCKER_CONFIG=$work/docker-config
mkdir -p "$DOCKER_CONFIG" "$work/ctx"
echo '{}' >"$DOCKER_CONFIG/config.json"
id=$$-$(date +%s%N)
names=()
cleanup() {
	local n
	for n in "${names[@]}"; do
		"$docker" rmi -f "$n" >/dev/null 2>&1 || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

echo "$id" >"$work/ctx/payload"
printf 'FROM %s\nCOPY payload /payload\nRUN cat /payload > /copy\n' \
	"${ECRA_BASE_IMAGE:-ecra-busybox:latest}" >"$work/ctx/Dockerfile"

local_tag=ecra-smoke:$id
names+=("$local_tag")
echo "== classic build with $docker"
"$docker" build -q -t "$local_tag" "$work/ctx" >/dev/null

echo "== BuildKit build with $buildkit"
names+=("ecra-smoke-bk:$id")
DOCKER_BUILDKIT=1 "$buildkit" build --network none -t "ecra-smoke-bk:$id" \
	"$work/ctx" >"$work/bk.log" 2>&1 || {
	cat "$work/bk.log" >&2
	fail "BuildKit build"
}
grep -q '^#' "$work/bk.log" || fail "the BuildKit client used the classic builder"

for reg in "$ECRA_REGISTRY" "$ECRA_AUTH_REGISTRY"; do
	remote=$reg/ecra/smoke:$id
	names+=("$remote")
	"$docker" tag "$local_tag" "$remote"
	if [ "$reg" = "$ECRA_AUTH_REGISTRY" ]; then
		echo "== push to $reg without login must fail"
		if "$docker" push "$remote" >"$work/push.log" 2>&1; then
			fail "push to the auth registry succeeded without login"
		fi
		echo "== docker login $reg"
		printf '%s' "$ECRA_REGISTRY_PASSWORD" |
			"$docker" login --username "$ECRA_REGISTRY_USER" \
				--password-stdin "$reg" >/dev/null
		grep -q "$reg" "$DOCKER_CONFIG/config.json" ||
			fail "login did not write to the throwaway DOCKER_CONFIG"
	fi
	echo "== push $remote"
	"$docker" push "$remote" >/dev/null
	"$docker" rmi "$remote" >/dev/null
	echo "== pull $remote"
	"$docker" pull "$remote" >/dev/null
	out=$("$docker" run --rm --network none "$remote" cat /copy)
	[ "$out" = "$id" ] || fail "pulled image holds '$out', expected '$id'"
	tags=$(curl -s --noproxy '*' -u "$ECRA_REGISTRY_USER:$ECRA_REGISTRY_PASSWORD" \
		"http://$reg/v2/ecra/smoke/tags/list")
	case $tags in *"\"$id\""*) ;; *) fail "registry tags: $tags" ;; esac
done
echo "smoke: ok"
