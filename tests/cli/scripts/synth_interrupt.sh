#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/cli/scripts/synth_interrupt.sh - interrupted synths clean up and
# never feed their leftovers into an image (#9.2):
#   - SIGINT/SIGTERM while a big context is being staged: exit 130/143,
#     one error line, no "<outdir>.tmp-XXXXXX" left, no outdir created;
#   - a stale temporary assembly (marker of a dead process) inside the
#     build context is not hashed or staged, and the next synth into the
#     same outdir removes it; a live one is excluded but left alone;
#   - a directory that merely looks like one (no marker) is hashed as
#     aws-cdk-lib hashes it, so every other tree keeps its hash.
#
#   synth_interrupt.sh ECR_ASSETS
set -u

name=synth_interrupt
. "$(dirname "$0")/lib.sh"
cd "$tmp"
asset_of() { ls "$1" | grep '^asset\.' | head -1; }

printf 'FROM scratch\nCOPY . /\n' >Dockerfile
printf 'a\n' >a.txt
cat >app.json <<'JSON'
{"stacks": [{"id": "S", "dockerImageAssets": [{"id": "I", "directory": "."}]}]}
JSON

"$ecra" synth --app app.json -o cdk.out -q 2>/dev/null || bad "first synth"
h1=$(asset_of cdk.out)
[ -n "$h1" ] && ok "first synth: $h1" || bad "no staged asset"

dead=$(sh -c 'echo $$')
while kill -0 "$dead" 2>/dev/null; do dead=$(sh -c 'echo $$'); done
mkdir cdk.out.tmp-Ab12Cd
printf 'ecr-assets synth pid %s\n' "$dead" >cdk.out.tmp-Ab12Cd/.ecra-synth-tmp
head -c 100000 /dev/urandom >cdk.out.tmp-Ab12Cd/big.bin
"$ecra" synth --app app.json -o cdk.out -q 2>/dev/null || bad "synth beside a stale temp dir"
h2=$(asset_of cdk.out)
[ "$h2" = "$h1" ] && ok "a stale temp dir is not hashed" || bad "hash changed: $h1 -> $h2"
[ ! -e "cdk.out/$h2/cdk.out.tmp-Ab12Cd" ] && ok "a stale temp dir is not staged" || bad "stale temp dir staged"
[ ! -e cdk.out.tmp-Ab12Cd ] && ok "the stale temp dir was removed" || bad "stale temp dir kept"

mkdir cdk.out.tmp-Li12Ve
printf 'ecr-assets synth pid %s\n' $$ >cdk.out.tmp-Li12Ve/.ecra-synth-tmp
"$ecra" synth --app app.json -o cdk.out -q 2>/dev/null || bad "synth beside a live temp dir"
[ "$(asset_of cdk.out)" = "$h1" ] && ok "a live temp dir is not hashed" || bad "live temp dir hashed"
[ -d cdk.out.tmp-Li12Ve ] && ok "a live temp dir is left alone" || bad "live temp dir removed"
rm -rf cdk.out.tmp-Li12Ve

mkdir data.tmp-Zz99Zz
printf 'x\n' >data.tmp-Zz99Zz/f
"$ecra" synth --app app.json -o cdk.out -q 2>/dev/null || bad "synth with a look-alike"
h3=$(asset_of cdk.out)
[ "$h3" != "$h1" ] && [ -f "cdk.out/$h3/data.tmp-Zz99Zz/f" ] &&
	ok "a look-alike without the marker is hashed and staged" || bad "look-alike excluded"
rm -rf data.tmp-Zz99Zz cdk.out

# A big context, so that staging takes long enough to be interrupted.
mkdir big
printf 'FROM scratch\nCOPY . /\n' >big/Dockerfile
python3 - <<'PY'
import os
for d in range(100):
    os.makedirs(f"big/d{d}", exist_ok=True)
    for f in range(100):
        with open(f"big/d{d}/f{f}", "w") as fh:
            fh.write("x" * 64)
PY
cat >big.json <<'JSON'
{"stacks": [{"id": "S", "dockerImageAssets": [{"id": "I", "directory": "big"}]}]}
JSON
# interrupt SIGNAL STATUS
interrupt() {
	sig=$1 want=$2
	rm -rf sig.out
	"$ecra" synth --app big.json -o sig.out -q >out.txt 2>err.txt &
	pid=$!
	i=0
	while [ $i -lt 600 ] && ! ls -d sig.out.tmp-* >/dev/null 2>&1; do
		kill -0 $pid 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	if ! ls -d sig.out.tmp-* >/dev/null 2>&1; then
		wait $pid
		bad "$sig: staging never started (or ended too fast)"
		return
	fi
	kill -"$sig" $pid
	wait $pid
	rc=$?
	[ "$rc" -eq "$want" ] && ok "$sig: exit $rc" || { bad "$sig: exit $rc, expected $want"; cat err.txt; }
	[ "$(grep -c '^ecra: ' err.txt)" -eq 1 ] && grep -q interrupted err.txt &&
		ok "$sig: one error line" || { bad "$sig: error output"; cat err.txt; }
	left=$(ls -d sig.out.tmp-* 2>/dev/null)
	[ -z "$left" ] && ok "$sig: no temporary directory left" || bad "$sig: left behind: $left"
	[ ! -e sig.out ] && ok "$sig: no outdir written" || bad "$sig: sig.out exists"
}
interrupt INT 130
interrupt TERM 143

finish
