#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/cli/scripts/options_documented.sh - every long option of every
# subcommand that parses with an option table (cli/cmd_<verb>.c,
# `long_options[]`) appears in `ecr-assets help <verb>` and in the
# README's synopsis of that command (the block under "## The CLI"); and
# every option the synopsis names is one the command knows.
#
#   options_documented.sh ECR_ASSETS SOURCE_DIR
set -u

ecra=$1
src=$2
fails=0
bad() { echo "FAIL $1"; fails=$((fails + 1)); }

# The README synopsis of one verb: its `ecr-assets VERB` line and the
# continuation lines (those starting with spaces) after it.
synopsis() {
	awk -v verb="$1" '
		/^## The CLI/ { in_cli = 1; next }
		in_cli && /^```/ { fence++; if (fence == 2) exit; next }
		in_cli && fence == 1 {
			if ($0 ~ "^ecr-assets " verb "( |$)") { take = 1; print; next }
			if (take && $0 ~ /^ /) { print; next }
			take = 0
		}' "$src/README.md"
}

checked=0
for file in "$src"/cli/cmd_*.c; do
	grep -q 'long_options\[\]' "$file" || continue
	verb=$(basename "$file" .c)
	verb=${verb#cmd_}
	opts=$(sed -n 's/^[[:space:]]*{ "\([a-z0-9-]*\)", .*_argument.*/\1/p' "$file")
	help=$("$ecra" help "$verb")
	syn=$(synopsis "$verb")
	[ -n "$syn" ] || { bad "$verb: no synopsis in README.md"; continue; }
	for o in $opts; do
		[ "$o" = help ] && continue
		checked=$((checked + 1))
		printf '%s\n' "$help" | grep -q -- "--$o\([^a-z-]\|$\)" ||
			bad "$verb: --$o missing from 'ecr-assets help $verb'"
		printf '%s\n' "$syn" | grep -q -- "--$o\([^a-z-]\|$\)" ||
			bad "$verb: --$o missing from the README synopsis"
	done
	for o in $(printf '%s\n' "$syn" | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
		printf '%s\n' "$opts" | grep -qx -- "${o#--}" ||
			bad "$verb: README synopsis names $o, which the command does not know"
	done
done
echo "options_documented: $checked options checked, $fails failures"
[ "$fails" = 0 ] && [ "$checked" -gt 0 ]
