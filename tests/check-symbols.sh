#!/bin/sh
# Fails if the shared library exports a symbol without the ecra_ prefix.
set -eu
lib="$1"
bad=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' |
	grep -v '^ecra_' | grep -v '^_' || true)
if [ -n "$bad" ]; then
	echo "exported symbols without the ecra_ prefix:" >&2
	echo "$bad" >&2
	exit 1
fi
count=$(nm -D --defined-only "$lib" | grep -c ' ecra_' || true)
echo "ok: $count exported symbols, all prefixed ecra_"
