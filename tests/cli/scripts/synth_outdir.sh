#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/cli/scripts/synth_outdir.sh - `ecr-assets synth -o DIR` never
# removes what the tool did not write (#9.1): a directory that is not a
# cloud assembly, a regular file, a symbolic link, `/`, the working
# directory, a build context, the app file's directory and anything above
# them are refused (exit 1, one error line) and stay exactly as they were;
# an empty directory and a previous assembly are replaced.
#
#   synth_outdir.sh ECR_ASSETS
set -u

name=synth_outdir
. "$(dirname "$0")/lib.sh"
aux=$tmp/aux
mkdir "$tmp/proj" "$aux"
cd "$tmp/proj"

# refuse NAME PATTERN OUTDIR [APP]: exit 1, one error line, tree unchanged
refuse() {
	what=$1 pattern=$2 out=$3 app=${4:-good.json}
	snap "$tmp/proj" >"$aux/before.txt"
	"$ecra" synth --app "$app" -o "$out" >"$aux/out.txt" 2>"$aux/err.txt"
	rc=$?
	snap "$tmp/proj" >"$aux/after.txt"
	if [ "$rc" -ne 1 ]; then bad "$what: exit $rc, expected 1"; cat "$aux/err.txt"; return; fi
	if ! grep -q -- "$pattern" "$aux/err.txt"; then bad "$what: stderr lacks '$pattern'"; cat "$aux/err.txt"; return; fi
	if [ "$(wc -l <"$aux/err.txt")" -ne 1 ]; then bad "$what: expected one error line"; cat "$aux/err.txt"; return; fi
	if ! cmp -s "$aux/before.txt" "$aux/after.txt"; then
		bad "$what: the tree changed"; diff "$aux/before.txt" "$aux/after.txt"; return; fi
	ok "$what"
}
accept() {
	what=$1 out=$2
	if "$ecra" synth --app good.json -o "$out" -q >"$aux/out.txt" 2>"$aux/err.txt" &&
		[ -f "$out/manifest.json" ]; then ok "$what"; else bad "$what"; cat "$aux/err.txt"; fi
}

mkdir img
printf 'FROM scratch\nCOPY a.txt /\n' >img/Dockerfile
printf 'a\n' >img/a.txt
cat >good.json <<'JSON'
{"stacks": [{"id": "S", "dockerImageAssets": [{"id": "I", "directory": "img"}]}]}
JSON

refuse "the filesystem root" "cannot be replaced as a whole" /
refuse "the working directory (.)" "cannot be replaced as a whole" .
refuse "the working directory (absolute)" "is the working directory" "$tmp/proj"
refuse "the parent directory (..)" "cannot be replaced as a whole" ..
refuse "above the working directory" "contains the working directory" "$tmp"
refuse "the build context" "is the build context" img
refuse "the build context (sub/../img)" "is the build context" sub/../img
mkdir -p apps/deep
cp good.json apps/deep/app.json
sed 's|"img"|"../../img"|' good.json >apps/deep/app.json
refuse "the app file's directory" "is the directory of the app file" apps/deep apps/deep/app.json
refuse "above the app file's directory" "contains the directory of the app file" apps apps/deep/app.json

mkdir notes
printf 'my notes\n' >notes/todo.txt
refuse "a directory that is not an assembly" "is not a cloud assembly (no manifest.json)" notes
printf '{"not": "an assembly"}\n' >notes/manifest.json
refuse "a manifest.json without a version" "is not a cloud assembly" notes
printf 'keep me\n' >plain.txt
refuse "a regular file" "exists and is not a directory" plain.txt
[ "$(cat plain.txt)" = "keep me" ] && ok "the file kept its content" || bad "plain.txt changed"
mkdir real
ln -s real link
refuse "a symbolic link" "is a symbolic link" link

mkdir empty
accept "an empty directory" empty
accept "a new directory" new/cdk.out
accept "a previous assembly" new/cdk.out
mkdir cdkout
printf '{"version":"48.0.0","artifacts":{}}' >cdkout/manifest.json
printf 'x' >cdkout/tree.json
accept "an aws-cdk-lib assembly" cdkout
[ ! -e cdkout/tree.json ] || grep -q '"version"' cdkout/tree.json && ok "assembly replaced" || bad "old tree.json kept"
"$ecra" synth --app good.json -o sub/../cdk.out -q >"$aux/out.txt" 2>"$aux/err.txt" ||
	{ bad "synth -o sub/../cdk.out"; cat "$aux/err.txt"; }
[ -f cdk.out/manifest.json ] && [ ! -e sub ] && ok "sub/../cdk.out normalised" || bad "sub/../cdk.out not normalised"
left=$(ls -A "$tmp/proj" | grep '\.tmp-' || true)
[ -z "$left" ] && ok "no temporary directory left" || bad "left behind: $left"

finish
