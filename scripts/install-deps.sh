#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# scripts/install-deps.sh - install missing Debian and npm packages.
#
# Idempotent: only packages that are not installed are fetched. The npm
# reference packages (pinned in tests/compat/package.json) go to
# tests/compat/node_modules.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
[ "${ECRA_SKIP_INSTALL:-0}" = 1 ] && exit 0

debs=(build-essential cmake pkg-config git libssl-dev libjansson-dev
	libcmocka-dev libcurl4-openssl-dev libarchive-dev zlib1g-dev clang
	clang-format valgrind python3 python3-botocore awscli docker.io
	docker-registry busybox-static apache2-utils skopeo hyperfine
	libclang-rt-14-dev openssl curl jq iproute2 liburing-dev
	libisal-dev dpkg-dev man-db zsh)
# --main: only what scripts/main-job.sh uses (build the tool, run the
# services it may start); no test tools, no npm reference packages.
main_only=0
if [ "${1:-}" = --main ]; then
	main_only=1
	debs=(build-essential cmake pkg-config libssl-dev libjansson-dev
		libcmocka-dev libcurl4-openssl-dev libarchive-dev zlib1g-dev
		liburing-dev libisal-dev python3 python3-botocore docker.io
		docker-registry busybox-static apache2-utils openssl curl)
fi
missing=()
for p in "${debs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
# Node.js may come from elsewhere than Debian (a newer npm, say); only ask
# Debian for it when the commands are missing, or apt refuses the mix.
if [ "$main_only" = 0 ]; then
	command -v node >/dev/null 2>&1 || missing+=(nodejs)
	command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "== installing Debian packages: ${missing[*]}"
	sudo_cmd=()
	[ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
	"${sudo_cmd[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
	    --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "$main_only" = 1 ] && exit 0
if [ ! -f "$here/tests/compat/node_modules/.ecra-installed" ] ||
	[ "$here/tests/compat/package.json" -nt "$here/tests/compat/node_modules/.ecra-installed" ]; then
	echo "== installing npm reference packages"
	(cd "$here/tests/compat" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
	touch "$here/tests/compat/node_modules/.ecra-installed"
fi
