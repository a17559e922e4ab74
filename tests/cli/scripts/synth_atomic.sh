#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/cli/scripts/synth_atomic.sh - a failed `ecr-assets synth` exits 1
# with one error line and leaves the previous assembly untouched, with no
# half-written directory beside it; command apps report their failures.
#
#   synth_atomic.sh ECR_ASSETS
set -u

name=synth_atomic
. "$(dirname "$0")/lib.sh"
cd "$tmp"
sums() { snap "$1"; }
# expect NAME STATUS STDERR-PATTERN command...
expect() {
	what=$1 status=$2 pattern=$3
	shift 3
	"$@" >out.txt 2>err.txt
	rc=$?
	if [ "$rc" -ne "$status" ]; then
		bad "$what: exit $rc, expected $status"; cat err.txt; return
	fi
	if [ -n "$pattern" ] && ! grep -q -- "$pattern" err.txt; then
		bad "$what: stderr lacks '$pattern'"; cat err.txt; return
	fi
	if [ "$status" -ne 0 ] && [ "$(grep -c '^ecra: ' err.txt)" -ne 1 ]; then
		bad "$what: expected exactly one 'ecra:' error line"; cat err.txt; return
	fi
	ok "$what"
}

mkdir img
printf 'FROM scratch\nCOPY a.txt /\n' >img/Dockerfile
printf 'a\n' >img/a.txt
cat >good.json <<'JSON'
{"stacks": [{"id": "S", "dockerImageAssets": [{"id": "I", "directory": "img"}],
             "outputs": [{"id": "Uri", "imageUri": "I"}]}]}
JSON
expect "first synth" 0 "" "$ecra" synth --app good.json -o asm
sums asm >before.txt
[ -f asm/manifest.json ] && ok "assembly written" || bad "no manifest.json"

cat >bad.json <<'JSON'
{"stacks": [{"id": "S", "dockerImageAssets": [{"id": "I", "directory": "gone"}]}]}
JSON
expect "missing directory fails" 1 "bad.json: stacks\[0\].dockerImageAssets\[0\]: Cannot find image directory" \
	"$ecra" synth --app bad.json -o asm
printf '{"stacks": [' >broken.json
expect "malformed app fails" 1 "broken.json:1:" "$ecra" synth --app broken.json -o asm
printf '{"stacks": [{"id": "S", "dockerImageAssets": [{"id": "I", "directory": "img", "platform": 64}]}]}' >typed.json
expect "wrongly typed prop fails" 1 "typed.json: stacks\[0\].dockerImageAssets\[0\].platform: expected a string" \
	"$ecra" synth --app typed.json -o asm
sums asm >after.txt
if cmp -s before.txt after.txt; then ok "previous assembly untouched"; else
	bad "previous assembly changed"; diff before.txt after.txt; fi
left=$(ls -A . | grep -v -x -e asm -e img -e good.json -e bad.json \
	-e broken.json -e typed.json -e before.txt -e after.txt -e out.txt -e err.txt \
	-e .cache)
[ -z "$left" ] && ok "no half-written directory left" || bad "left behind: $left"

# outdir below a regular file
printf 'x\n' >plain
expect "unwritable outdir fails" 1 "plain/asm" "$ecra" synth --app good.json -o plain/asm
[ "$(cat plain)" = x ] && ok "the file is untouched" || bad "plain changed"
rm plain

# command apps, run through sh -c like the CDK CLI does
expect "failing command" 1 "subprocess exited with error 3" \
	"$ecra" synth --app 'echo "app says no" >&2; exit 3' -o cmd.out -q
expect "command writing no assembly" 1 "not a cloud assembly (no manifest.json)" \
	"$ecra" synth --app 'true' -o cmd2.out
expect "command sees CDK_OUTDIR and CDK_CONTEXT_JSON" 0 "" \
	"$ecra" synth -c k=v -o cmd3.out --app \
	'test "$CDK_OUTDIR" = cmd3.out && test "$CDK_CLI_VERSION" = 2.1148.1 && test "$CDK_CLI_ASM_VERSION" = 55.0.0 && echo "$CDK_CONTEXT_JSON" > ctx.json && cp -r asm/. "$CDK_OUTDIR"'
if grep -q '"k":"v"' ctx.json && grep -q '"aws:cdk:enable-path-metadata":true' ctx.json; then
	ok "context passed as JSON"; else bad "context: $(cat ctx.json)"; fi
grep -q '^S  aws://unknown-account/unknown-region$' out.txt && ok "stacks listed" || bad "listing: $(cat out.txt)"
expect "existing assembly directory as --app" 0 "" "$ecra" synth --app asm
grep -q '^S  ' out.txt && ok "assembly listed" || bad "listing: $(cat out.txt)"

finish
