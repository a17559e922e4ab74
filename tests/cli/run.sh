#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/cli/run.sh - end-to-end cases for the ecr-assets binary.
#
# usage: run.sh BINARY CASES_DIR [FILTER]
#
# Every directory CASES_DIR/<command>/<case>/ holding an `args` file is a
# case. `args` has one argument per line (passed to BINARY verbatim, an
# empty line is an empty argument); `@CASE@` in it is replaced by the
# case directory's absolute path. The binary runs with the case directory
# as its working directory (so a committed `context/` is just `context`)
# and stdin from /dev/null. Its stdout, stderr and exit status are
# compared exactly with `expected.stdout`, `expected.stderr` (missing:
# empty) and `expected.status` (missing: 0), after replacing the case
# path by `@CASE@` in the output. FILTER (a substring of
# <command>/<case>) runs only some cases. Set ECRA_CLI_UPDATE=1 to
# rewrite the expected files from the actual output (then review them).
set -u

bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cases=$2
filter=${3:-}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for argsfile in $(find "$cases" -mindepth 3 -maxdepth 3 -name args | LC_ALL=C sort); do
	dir=$(cd "$(dirname "$argsfile")" && pwd)
	name=${dir#"$(cd "$cases" && pwd)"/}
	case $name in *"$filter"*) ;; *) continue ;; esac

	args=()
	while IFS= read -r line || [ -n "$line" ]; do
		args+=("${line//@CASE@/$dir}")
	done <"$argsfile"

	(cd "$dir" && "$bin" "${args[@]}" </dev/null >"$tmp/stdout" 2>"$tmp/stderr")
	status=$?
	sed -i "s|$dir|@CASE@|g" "$tmp/stdout" "$tmp/stderr"
	echo "$status" >"$tmp/status"

	if [ "${ECRA_CLI_UPDATE:-}" = 1 ]; then
		cp "$tmp/stdout" "$dir/expected.stdout"
		if [ -s "$tmp/stderr" ]; then cp "$tmp/stderr" "$dir/expected.stderr"; else rm -f "$dir/expected.stderr"; fi
		if [ "$status" != 0 ]; then cp "$tmp/status" "$dir/expected.status"; else rm -f "$dir/expected.status"; fi
	fi

	ok=1
	[ -f "$dir/expected.stdout" ] && exp_out="$dir/expected.stdout" || exp_out=/dev/null
	[ -f "$dir/expected.stderr" ] && exp_err="$dir/expected.stderr" || exp_err=/dev/null
	if [ -f "$dir/expected.status" ]; then exp_status=$(cat "$dir/expected.status"); else exp_status=0; fi
	if ! diff -u "$exp_out" "$tmp/stdout" >"$tmp/diff.out"; then ok=0; fi
	if ! diff -u "$exp_err" "$tmp/stderr" >"$tmp/diff.err"; then ok=0; fi
	if [ "$status" != "$exp_status" ]; then ok=0; fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name (status $status, expected $exp_status)"
		cat "$tmp/diff.out" "$tmp/diff.err"
	fi
done

echo "cli: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
