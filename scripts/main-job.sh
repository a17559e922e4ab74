#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# scripts/main-job.sh - the README's main job, end to end on one machine:
#   1. install missing Debian/npm packages and build ecr-assets;
#   2. use the Docker engine that answers (`docker info`), or start a
#      private one (unix socket, no bridge, no iptables);
#   3. use the registry at $ECRA_REGISTRY (HOST:PORT) if it answers,
#      or start a local docker-registry on 127.0.0.1;
#   4. synthesize examples/json-app/app.json into a cloud assembly;
#   5. publish its image to the registry with `ecr-assets publish`;
#   6. pull the image back, run it (no network), and print its URI.
#
# Services it starts keep running (so a second run is a no-op publish);
# stop them with: tests/integration/services.sh stop (with the same
# ECRA_SERVICES_WORK). Everything listens on 127.0.0.1 or a unix socket.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
work=${ECRA_MAIN_WORK:-$here/out/main-job}
mkdir -p "$work"

say() { echo "main-job: $*" >&2; }

"$here/scripts/install-deps.sh" --main

# $ECRA_CLI names an already built binary (the integration test uses it).
cli=${ECRA_CLI:-}
if [ -z "$cli" ]; then
	say "building ecr-assets"
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j"$(nproc)" --target ecr-assets >/dev/null
	cli=$here/build/ecr-assets
fi

# A Docker engine: the one the environment points at, or our own.
services_started=0
start_services() {
	if [ "$services_started" = 0 ]; then
		export ECRA_SERVICES_WORK=${ECRA_SERVICES_WORK:-$work/services}
		export ECRA_SERVICES_ENV=$ECRA_SERVICES_WORK/services.env
		"$here/tests/integration/services.sh" start >&2
		# shellcheck disable=SC1090
		. "$ECRA_SERVICES_ENV"
		services_started=1
	fi
}
if docker info >/dev/null 2>&1; then
	say "using the running Docker engine (${DOCKER_HOST:-default socket})"
else
	say "no Docker engine answers: starting a private one"
	saved_registry=${ECRA_REGISTRY:-}
	start_services
	[ -n "$saved_registry" ] && ECRA_REGISTRY=$saved_registry
fi

# The example's base image: no pulls are possible here, so import one
# from Debian's busybox-static when it is missing.
if ! docker image inspect ecra-busybox:latest >/dev/null 2>&1; then
	say "importing ecra-busybox:latest from busybox-static"
	root=$(mktemp -d)
	mkdir -p "$root/bin"
	cp /bin/busybox "$root/bin/busybox"
	for app in sh cat echo ls; do ln -s busybox "$root/bin/$app"; done
	tar -C "$root" -c . | docker import - ecra-busybox:latest >/dev/null
	rm -rf "$root"
fi

# A registry: $ECRA_REGISTRY if it answers, else a local one.
registry_up() { curl -fsS -o /dev/null "http://$1/v2/" 2>/dev/null; }
if [ -z "${ECRA_REGISTRY:-}" ] || ! registry_up "$ECRA_REGISTRY"; then
	say "no registry answers${ECRA_REGISTRY:+ at $ECRA_REGISTRY}: starting a local one"
	unset ECRA_REGISTRY
	start_services
fi
say "registry: $ECRA_REGISTRY"

say "synthesizing examples/json-app/app.json"
rm -rf "$work/cdk.out"
"$cli" synth --app examples/json-app/app.json -o "$work/cdk.out" >&2

say "publishing"
account=${CDK_DEFAULT_ACCOUNT:-123456789012}
"$cli" publish "$work/cdk.out" --registry "$ECRA_REGISTRY" \
    --account "$account" --json >"$work/events.json"
uri=$(python3 -c '
import json, sys
uris = [e["message"].split(" ", 1)[1] for e in map(json.loads, open(sys.argv[1]))
        if e.get("type") in ("check",) and e.get("message", "").startswith("Check ")]
print(uris[0] if uris else "")
' "$work/events.json")
[ -n "$uri" ] || { say "could not find the image URI in $work/events.json"; exit 1; }

say "running $uri"
docker rmi -f "$uri" >/dev/null 2>&1 || true
docker pull "$uri" >/dev/null
docker run --rm --network none "$uri" >&2
echo "$uri"
