#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/tmpdir_check.sh setup|check DIR - the private TMPDIR
# of the test suite (tests/integration/tmpdir.cmake).
#   setup: make DIR empty (0700).
#   check: fail, listing them, if private docker configs of publish runs
#          were left in DIR (at any depth: tests make sandboxes in it);
#          then remove DIR.
set -eu
mode=$1 dir=$2
case $dir in
/tmp/ecra-ctest-*) ;;
*) echo "refusing to work on '$dir'" >&2; exit 2 ;;
esac
case $mode in
setup)
	rm -rf "$dir"
	mkdir -m 700 "$dir"
	;;
check)
	[ -d "$dir" ] || exit 0
	left=$(find "$dir" -type d \( -name 'ecra-docker-*' -o -name 'cdkDockerConfig-ecra-*' \) -prune -print)
	if [ -n "$left" ]; then
		echo "FAIL: private docker configs left behind by the tests:" >&2
		printf '%s\n' "$left" >&2
		rm -rf "$dir"
		exit 1
	fi
	rm -rf "$dir"
	;;
*) echo "usage: $0 setup|check DIR" >&2; exit 2 ;;
esac
