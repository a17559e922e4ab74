#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/layering.sh - the include graph of src/ and cli/ follows the DAG
# written in docs/internals/architecture.md (between the layering:begin
# and layering:end markers): a module includes only itself, the modules
# its line names ("floor" = core util base json) and their public headers;
# cli/ includes only public headers and the floor. Third-party headers
# stay in their one module. Prints every offending include and fails.
#
#   layering.sh SOURCE_DIR
set -u

src=$1
doc=$src/docs/internals/architecture.md
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ecra-layering.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# module -> allowed modules, one "module allowed..." line each
sed -n '/<!-- layering:begin -->/,/<!-- layering:end -->/p' "$doc" |
	grep -E '^[a-z]+:' | sed 's/:/ /' |
	sed 's/\bfloor\b/core util base json/g' >"$tmp/dag"
[ -s "$tmp/dag" ] || { echo "layering: no graph in $doc"; exit 1; }

# the module a public header belongs to
public_owner() {
	case $1 in
	common.h | errors.h | version.h | buf.h) echo core ;;
	ignore.h) echo ignore ;;
	fingerprint.h) echo fingerprint ;;
	app.h) echo assembly ;;
	dockercreds.h | publish.h) echo publish ;;
	aws.h) echo aws ;;
	registry.h) echo registry ;;
	toolkit.h) echo toolkit ;;
	*) echo "?$1" ;;
	esac
}
# allow_<module>="<module> <allowed>..." for every line of the graph
while read -r mod deps; do
	eval "allow_$mod=\"$mod \$deps\""
done <"$tmp/dag"
allowed() { # MODULE TARGET: 0 when MODULE may include TARGET
	[ "$1" = "$2" ] && return 0
	eval "deps=\${allow_$1:-}"
	case " $deps " in *" $2 "*) return 0 ;; esac
	return 1
}

bad=0
modules=$(cd "$src/src" && ls -d */ | tr -d /)
for m in $modules cli; do
	if [ "$m" = cli ]; then dir=$src/cli; else dir=$src/src/$m; fi
	eval "known=\${allow_$m:-}"
	if [ -z "$known" ]; then
		echo "layering: module '$m' has no line in $doc"
		bad=$((bad + 1))
		continue
	fi
	for f in "$dir"/*.c "$dir"/*.h; do
		[ -f "$f" ] || continue
		grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' "$f" |
			sed 's/^\([0-9]*\):.*include[[:space:]]*\([<"]\)\([^>"]*\).*/\1 \2 \3/' |
			while read -r line kind path; do
				rel=${f#"$src"/}
				if [ "$kind" = "<" ]; then
					case $path in
					curl/*) owner=http ;;
					jansson.h) owner=json ;;
					archive.h | archive_entry.h) owner=registry ;;
					liburing.h) owner=fingerprint ;;
					*) continue ;;
					esac
					[ "$m" = "$owner" ] && continue
					echo "$rel:$line: <$path> belongs to src/$owner only"
					continue
				fi
				case $path in
				ecrassets.h)
					[ "$m" = cli ] && continue
					echo "$rel:$line: the umbrella header is for API clients"
					continue ;;
				ecrassets/*)
					if [ "$m" = cli ]; then continue; fi
					target=$(public_owner "${path#ecrassets/}")
					allowed "$m" "$target" && continue
					echo "$rel:$line: \"$path\" ($target) is above $m"
					continue ;;
				*/*) target=${path%%/*} ;;
				*) continue ;; # same-folder include
				esac
				if [ "$m" = cli ] && [ "$target" = cli ]; then continue; fi
				allowed "$m" "$target" && continue
				echo "$rel:$line: \"$path\" ($target) is not below $m"
			done
	done
done >"$tmp/out"
if [ -s "$tmp/out" ]; then
	cat "$tmp/out"
	echo "layering: $(wc -l <"$tmp/out") include(s) break the graph in docs/internals/architecture.md"
	exit 1
fi
echo "layering: the include graph of src/ and cli/ follows docs/internals/architecture.md"
