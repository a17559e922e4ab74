#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/cli/scripts/synth_settings.sh - settings and context reach a
# command app as the CDK CLI 2.1148.1 passes them:
#   - numbers in cdk.json context are re-serialised as JavaScript does
#     (JSON.stringify(JSON.parse(...)): 1e21 -> 1e+21, -0 -> 0,
#     2^53+1 -> 2^53, 1.50 -> 1.5; values measured with node);
#   - an unreadable ~/.cdk.json is fatal with the file named, as it is in
#     the CDK CLI ("EISDIR: illegal operation on a directory, read",
#     exit 1; checked against the real CLI when writing this test).
#
#   synth_settings.sh ECR_ASSETS
set -u

name=synth_settings
. "$(dirname "$0")/lib.sh"
mkdir "$tmp/home" "$tmp/proj"
cd "$tmp/proj"
export HOME="$tmp/home"

cat >cdk.json <<'JSON'
{"app": "echo \"$CDK_CONTEXT_JSON\" > ctx.json; exit 3",
 "context": {"big": 1e21, "neg": -0, "p53": 9007199254740993,
             "dec": 1.50, "small": 1E-7, "10": "ten", "2": "two"}}
JSON
"$ecra" synth -o out >out.txt 2>err.txt
[ $? -eq 1 ] && grep -q "subprocess exited with error 3" err.txt &&
	ok "the app ran" || { bad "the app did not run"; cat err.txt; }
for kv in '"big":1e+21,' '"neg":0,' '"p53":9007199254740992,' '"dec":1.5,' '"small":1e-7,'; do
	grep -q -- "$kv" ctx.json && ok "context has $kv" || bad "context lacks $kv: $(cat ctx.json)"
done
case $(cat ctx.json) in
'{"2":"two","10":"ten",'*) ok "integer-like keys first, ascending (JSON.stringify)" ;;
*) bad "key order: $(cat ctx.json)" ;;
esac

mkdir "$HOME/.cdk.json"
"$ecra" synth -o out >out.txt 2>err.txt
rc=$?
[ $rc -eq 1 ] && grep -q '^ecra: ~/.cdk.json: cannot read: Is a directory$' err.txt &&
	ok "an unreadable ~/.cdk.json is fatal, as in the CDK CLI" ||
	{ bad "unreadable ~/.cdk.json: exit $rc"; cat err.txt; }

finish
