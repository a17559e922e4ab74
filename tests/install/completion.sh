#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/install/completion.sh BIN_DIR SOURCE_DIR
#
# Drives the bash completion function of completions/ecr-assets.bash as
# bash does (COMP_WORDS, COMP_CWORD) and checks the candidates: commands,
# options, option values, and stack names and asset ids read from a cloud
# assembly synthesized from examples/json-app.
set -u
bindir=$1 src=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/ecra-compl.XXXXXX")
trap 'rm -rf "$work"' EXIT
export PATH="$bindir:$PATH" HOME=$work ECRA_NO_CACHE=1
# shellcheck source=/dev/null
. "$src/completions/ecr-assets.bash" || exit 1
cd "$work" || exit 1
ecr-assets synth --app "$src/examples/json-app/app.json" -o cdk.out -q || exit 1
mkdir other
printf '[default]\nregion = eu-west-1\n[profile ci-deploy]\n' >aws-config
printf '[build]\naws_access_key_id = x\n' >aws-creds
export AWS_CONFIG_FILE=$work/aws-config AWS_SHARED_CREDENTIALS_FILE=$work/aws-creds

failed=0
# complete "WORDS..." : run the completion with the cursor on the last word
complete_line()
{
	local line=$1
	read -r -a COMP_WORDS <<<"$line"
	[ "${line: -1}" = " " ] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line COMP_POINT=${#line}
	COMPREPLY=()
	_ecr_assets
	printf '%s\n' "${COMPREPLY[@]}" | sort
}
# exactly SHELL COMPLETER "LINE" WORD...: COMPLETER's candidates for LINE
# (one per line, or space-separated) are exactly WORD...
exactly()
{
	local sh=$1 fn=$2 line=$3 got want
	shift 3
	got=$("$fn" "$line" | tr ' ' '\n' | grep -v '^$' | sort | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | grep -v '^$' | sort | tr '\n' ' ')
	if [ "$got" != "$want" ]; then
		echo "FAIL: $sh '$line': got [$got], want [$want]" >&2
		failed=1
	else
		echo "ok: $sh '$line' -> $got"
	fi
}
# expect "LINE" WORD...: the bash candidates are exactly WORD...
expect() { exactly bash complete_line "$@"; }
# has "LINE" WORD...: the candidates include WORD...
has()
{
	local line=$1 got w
	shift
	got=$(complete_line "$line")
	for w in "$@"; do
		grep -qxF -- "$w" <<<"$got" ||
			{ echo "FAIL: '$line': '$w' not in [$(echo $got)]" >&2; failed=1; return; }
	done
	echo "ok: '$line' has $*"
}

asset=e2dff1c0da86cf6414a1c2d16b8045030c166b16def1c69501a7b0cb1f33db85
expect "ecr-assets " hash synth ls publish copy help
expect "ecr-assets pu" publish
expect "ecr-assets --v" --version
expect "ecr-assets help " hash synth ls publish copy
expect "ecr-assets publish --st" --stack
expect "ecr-assets publish --dr" --dry-run
has "ecr-assets publish --" --asset --stack --force --parallel --retries --profile --registry --verbose --quiet
has "ecr-assets hash -" -e --exclude --ignore-mode --follow --explain --json
expect "ecr-assets hash --ignore-mode " glob git docker
expect "ecr-assets hash -i d" docker
expect "ecr-assets hash --follow in" internal-only
expect "ecr-assets publish --stack " ExampleStack
expect "ecr-assets publish cdk.out --stack Ex" ExampleStack
expect "ecr-assets publish cdk.out --asset " $asset
expect "ecr-assets publish --asset e2" $asset
# an explicit assembly without stacks: nothing to offer
expect "ecr-assets publish other --stack "
expect "ecr-assets publish --profile " build ci-deploy default
expect "ecr-assets ls " cdk.out other
expect "ecr-assets synth -o oth" other
expect "ecr-assets publish --parallel "
if command -v ecr-assets-cdk-assets >/dev/null; then
	expect "ecr-assets-cdk-assets " ls publish
	has "ecr-assets-cdk-assets publish -" -p --path --verbose --profile
	expect "ecr-assets-cdk-assets -p cdk.out/ExampleStack.assets.json publish " $asset
	expect "ecr-assets-cdk-assets publish --path cdk.out/ExampleStack.assets.json e2" $asset
	expect "ecr-assets-cdk-assets -p cdk.out publish " # no assets.json there
fi

# zsh: the same function logic, with compadd/_describe/_files stubbed to
# print the candidates (zsh's completion widgets need a terminal).
zsh_complete()
{
	zsh -f -c '
		compadd() { if [[ $1 == -a ]]; then print -l -- ${(P)2}; else print -l -- "$@"; fi }
		_describe() { print -l -- ${(P)4} }
		_files() { print -l -- *(N) }
		_directories() { print -l -- *(N/) }
		source "$1" >/dev/null 2>&1
		words=(${=2})
		[[ $2 == *" " ]] && words+=("")
		CURRENT=${#words}
		_ecr-assets' zsh "$src/completions/_ecr-assets" "$1" | sort | tr '\n' ' '
}
zexpect() { exactly zsh zsh_complete "$@"; }
if command -v zsh >/dev/null; then
	zexpect "ecr-assets " hash synth ls publish copy help
	zexpect "ecr-assets help " hash synth ls publish copy
	zexpect "ecr-assets hash --ignore-mode " glob git docker
	zexpect "ecr-assets publish --stack " ExampleStack
	zexpect "ecr-assets publish cdk.out --asset " $asset
	zexpect "ecr-assets publish other --stack "
	zexpect "ecr-assets publish --profile " build ci-deploy default
	zexpect "ecr-assets ls " cdk.out other
	zexpect "ecr-assets-cdk-assets -p cdk.out/ExampleStack.assets.json publish " $asset
	[ "$(zsh_complete "ecr-assets publish --" | tr ' ' '\n' | grep -c -- '^--')" -ge 10 ] ||
		{ echo "FAIL: zsh publish options" >&2; failed=1; }
else
	echo "skip: zsh not installed, zsh completion not exercised"
fi
exit $failed
