# SPDX-License-Identifier: Apache-2.0
#
# tests/cli/scripts/lib.sh - sourced by the synth scripts after they set
# `name`: $ecra (the binary, the script's $1), $tmp (a fresh directory,
# removed on exit, also $HOME), ok/bad to report a check, snap DIR (paths
# and content hashes of a tree) and finish (the summary and exit status).
ecra=$(realpath "$1")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ecra-$name.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp"
fails=0

ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }
snap() { (cd "$1" && find . -print | LC_ALL=C sort | while read -r f; do
	if [ -f "$f" ] && [ ! -L "$f" ]; then echo "$f $(sha256sum <"$f")"; else echo "$f"; fi
done); }
finish() {
	[ "$fails" -eq 0 ] && echo "$name: all checks passed" && exit 0
	echo "$name: $fails check(s) failed"
	exit 1
}
