# SPDX-License-Identifier: Apache-2.0
# bash completion for ecr-assets and ecr-assets-cdk-assets.
#
# Commands and options come from the tool's own --help (so they follow the
# binary), stack names and asset ids from the cloud assembly being
# published, via `ecr-assets ls` (no jq). Works with or without the
# bash-completion package. Installed as
# share/bash-completion/completions/ecr-assets (and ecr-assets-cdk-assets).

# _ecr_assets_opts PROG [CMD]: the options PROG [CMD] --help names.
_ecr_assets_opts()
{
	"$@" --help 2>/dev/null |
		grep -oE '(^|[][ ,|])--?[A-Za-z0-9][A-Za-z0-9-]*' |
		sed 's/^[][ ,|]*//' | sort -u
}

# _ecr_assets_cmds PROG: the commands listed under "Commands:" in --help.
_ecr_assets_cmds()
{
	"$1" --help 2>/dev/null |
		sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
}

# _ecr_assets_assembly PROG WORDS...: the assembly the command line names
# (its first argument that exists), else ./cdk.out if it is one, else ".".
_ecr_assets_assembly()
{
	local prog=$1 w prev=
	shift
	for w in "$@"; do
		case $prev in
		-p | --path) [ -e "$w" ] && { printf '%s\n' "$w"; return; } ;;
		esac
		case $w in
		-*) ;;
		*) if [ -d "$w" ] || [ -f "$w" ]; then
			printf '%s\n' "$w"
			return
		fi ;;
		esac
		prev=$w
	done
	if [ -e cdk.out/manifest.json ]; then echo cdk.out; else echo .; fi
}

# _ecr_assets_ls TOOL DIR stacks|assets: names from `ecr-assets ls DIR`.
_ecr_assets_ls()
{
	local dir=$2
	# a *.assets.json or a directory with assets.json: list its directory
	[ -f "$dir" ] && dir=$(dirname -- "$dir")
	case $3 in
	stacks) "$1" ls "$dir" 2>/dev/null | sed -n 's/^\([^ ][^ ]*\)  .*/\1/p' ;;
	assets) "$1" ls "$dir" --json 2>/dev/null | grep -o '"key":"[^"]*"' |
		sed 's/^"key":"\(.*\)"$/\1/' ;;
	esac
}

# _ecr_assets_profiles: AWS profile names from the config and credentials files.
_ecr_assets_profiles()
{
	cat "${AWS_CONFIG_FILE:-$HOME/.aws/config}" \
		"${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}" 2>/dev/null |
		sed -n 's/^[[:space:]]*\[\(profile[[:space:]]\{1,\}\)\{0,1\}\([^]]*\)\].*/\2/p' |
		sed 's/[[:space:]]*$//' | sort -u
}

# _ecr_assets_tool PROG: the ecr-assets binary next to PROG (for `ls`).
_ecr_assets_tool()
{
	local d
	case $1 in
	*/*) d=${1%/*}; [ -x "$d/ecr-assets" ] && { echo "$d/ecr-assets"; return; } ;;
	esac
	command -v ecr-assets 2>/dev/null || echo ecr-assets
}

# _ecr_assets_dropin_ids PROG WORDS...: the docker image ids of the
# manifest that -p/--path names (default "."), from PROG's own `ls`.
_ecr_assets_dropin_ids()
{
	local prog=$1 path=. prev= w
	shift
	for w in "$@"; do
		case $prev in -p | --path) path=$w ;; esac
		case $w in --path=*) path=${w#--path=} ;; esac
		prev=$w
	done
	"$prog" -p "$path" ls 2>/dev/null | awk '$2 == "docker-image" { print $1 }'
}

_ecr_assets_files() # [-d] [GLOB]: files (or only directories)
{
	local IFS=$'\n'
	if [ "$1" = -d ]; then
		COMPREPLY=($(compgen -d -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
	compopt -o filenames 2>/dev/null
}

_ecr_assets()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= prog=${COMP_WORDS[0]}
	local cmd= i w tool words
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	tool=$(_ecr_assets_tool "$prog")
	# the command: the first word after the program that is not an option
	# (or an option's value)
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-p | --path | --profile) ((i++)); continue ;; # the drop-in's values
		-*) continue ;;
		esac
		cmd=$w
		break
	done
	if [ -z "$cmd" ]; then
		case $cur in
		-*) words=$(_ecr_assets_opts "$prog") ;;
		*) words=$(_ecr_assets_cmds "$prog") ;;
		esac
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return 0
	fi
	case $cmd in
	help)
		[ "$COMP_CWORD" -eq $((i + 1)) ] &&
			COMPREPLY=($(compgen -W "$(_ecr_assets_cmds "$prog" | grep -vx help)" -- "$cur"))
		return 0
		;;
	esac
	# the value of an option
	case $prev in
	--stack)
		COMPREPLY=($(compgen -W "$(_ecr_assets_ls "$tool" \
			"$(_ecr_assets_assembly "$prog" "${COMP_WORDS[@]:i+1:COMP_CWORD-i-1}")" stacks)" -- "$cur"))
		return 0
		;;
	--asset)
		COMPREPLY=($(compgen -W "$(_ecr_assets_ls "$tool" \
			"$(_ecr_assets_assembly "$prog" "${COMP_WORDS[@]:i+1:COMP_CWORD-i-1}")" assets)" -- "$cur"))
		return 0
		;;
	--profile)
		COMPREPLY=($(compgen -W "$(_ecr_assets_profiles)" -- "$cur"))
		return 0
		;;
	-i | --ignore-mode)
		COMPREPLY=($(compgen -W "glob git docker" -- "$cur"))
		return 0
		;;
	-f | --follow)
		COMPREPLY=($(compgen -W "external never always internal-only block-external" -- "$cur"))
		return 0
		;;
	-o | --output) _ecr_assets_files -d; return 0 ;;
	-a | --app | -p | --path) _ecr_assets_files; return 0 ;;
	-e | --exclude | -x | --extra-hash | -j | --threads | -c | --context | \
		--parallel | --retries | --registry | --account | --username)
		return 0 ;; # free-form values
	esac
	case $cur in
	-*)
		COMPREPLY=($(compgen -W "$(_ecr_assets_opts "$prog" "$cmd")" -- "$cur"))
		;;
	*)
		case ${prog##*/}:$cmd in
		*cdk-assets:publish) # ASSET[:DEST] patterns
			COMPREPLY=($(compgen -W "$(_ecr_assets_dropin_ids "$prog" \
				"${COMP_WORDS[@]:1:COMP_CWORD-1}")" -- "$cur")) ;;
		*cdk-assets:*) ;;
		*:ls) _ecr_assets_files -d ;;
		*) _ecr_assets_files ;;
		esac
		;;
	esac
	return 0
}
complete -F _ecr_assets ecr-assets ecr-assets-cdk-assets
