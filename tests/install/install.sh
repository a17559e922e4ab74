#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/install/install.sh BUILD_DIR SOURCE_DIR CC EXTRA_FLAGS
#
# `cmake --install BUILD_DIR --prefix <temp>`, then checks what a user of
# the installed copy relies on: the files, the SONAME and exported symbols,
# and that examples/c-app builds and runs against the installed library
# with pkg-config (shared and static) and with find_package(ecrassets
# CONFIG) (ecrassets::ecrassets and ecrassets::ecrassets_static). Every
# build must synthesize the same assembly as the build tree's example.
set -eu
build=$1 src=$2 cc=$3 flags=${4:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/ecra-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >"$work/install.log" ||
	{ cat "$work/install.log" >&2; fail "cmake --install"; }

# -- the files
for f in bin/ecr-assets bin/docker-credential-cdk-assets bin/ecr-assets-cdk-assets; do
	[ -x "$prefix/$f" ] || fail "$f not installed"
done
libdir=$(dirname "$(find "$prefix" -name libecrassets.a | head -n1)")
[ -n "$libdir" ] && [ -d "$libdir" ] || fail "libecrassets.a not installed"
for f in libecrassets.so libecrassets.so.0 pkgconfig/ecrassets.pc \
	cmake/ecrassets/ecrassetsConfig.cmake cmake/ecrassets/ecrassetsConfigVersion.cmake; do
	[ -e "$libdir/$f" ] || fail "$libdir/$f not installed"
done
soname=$(readelf -d "$libdir/libecrassets.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libecrassets.so.0 ] || fail "SONAME is '$soname', expected libecrassets.so.0"
[ -L "$libdir/libecrassets.so" ] || fail "libecrassets.so is not the dev symlink"
"$src/tests/check-symbols.sh" "$libdir/libecrassets.so.0"
# every public header, and nothing else
(cd "$src/include" && find . -name '*.h' | sort) >"$work/hdr.want"
(cd "$prefix/include" && find . -type f | sort) >"$work/hdr.got"
diff "$work/hdr.want" "$work/hdr.got" || fail "installed headers differ from include/"
"$prefix/bin/ecr-assets" --version | grep -q '^ecr-assets [0-9]' || fail "installed ecr-assets --version"
# man pages (cmake/man.cmake): one per `## ` command section of docs/cli.md
for f in ecr-assets ecr-assets-hash ecr-assets-synth ecr-assets-ls ecr-assets-publish \
	ecr-assets-cdk-assets; do
	[ -s "$prefix/share/man/man1/$f.1" ] || fail "man page $f.1 not installed"
done
MANPATH="$prefix/share/man" man -w ecr-assets-publish >/dev/null 2>&1 ||
	fail "man -w ecr-assets-publish does not find the installed page"

# completions (cmake/completions.cmake)
for f in share/bash-completion/completions/ecr-assets \
	share/bash-completion/completions/ecr-assets-cdk-assets; do
	[ -s "$prefix/$f" ] || fail "$f not installed"
done
ls "$prefix"/share/zsh/*/_ecr-assets >/dev/null 2>&1 || fail "zsh completion not installed"
bash -c ". '$prefix/share/bash-completion/completions/ecr-assets' && complete -p ecr-assets" >/dev/null ||
	fail "the installed bash completion does not register"

# -- the reference: the example built in the tree
ref=$work/ref
mkdir -p "$ref"
(cd "$ref" && CDK_OUTDIR=cdk.out "$build/ecra-example-c-app" "$src/examples/image" 2>/dev/null) ||
	fail "build-tree example failed"

# run NAME BINARY: synthesize with BINARY and compare with the reference
run() {
	d=$work/run-$1
	mkdir -p "$d"
	(cd "$d" && CDK_OUTDIR=cdk.out "$2" "$src/examples/image" 2>"$d/stderr") ||
		{ cat "$d/stderr" >&2; fail "$1: the example failed"; }
	grep -q '^c-app: image e2dff1c0' "$d/stderr" || fail "$1: unexpected asset hash: $(cat "$d/stderr")"
	diff -r "$ref/cdk.out" "$d/cdk.out" >&2 || fail "$1: assembly differs from the build tree's"
	"$prefix/bin/ecr-assets" ls "$d/cdk.out" | grep -q '^  Image  e2dff1c0' ||
		fail "$1: installed ecr-assets ls does not list the image"
	echo "ok: $1"
}
# uses_installed BINARY: the shared library comes from the prefix
uses_installed() {
	ldd "$1" | grep -q "=> $libdir/libecrassets.so.0 " ||
		{ ldd "$1" >&2; fail "$1 does not load $libdir/libecrassets.so.0"; }
}
# is_static BINARY: no libecrassets.so needed at all
is_static() {
	! readelf -d "$1" | grep -q 'NEEDED.*libecrassets' || fail "$1 needs libecrassets.so"
}

# -- pkg-config
export PKG_CONFIG_PATH="$libdir/pkgconfig"
[ "$(pkg-config --modversion ecrassets)" = "$("$prefix/bin/ecr-assets" --version | cut -d' ' -f2)" ] ||
	fail "pkg-config version differs from ecr-assets --version"
# shellcheck disable=SC2046,SC2086
$cc -std=c11 -Wall -Wextra -Werror $flags -o "$work/pc-shared" "$src/examples/c-app/main.c" \
	$(pkg-config --cflags --libs ecrassets) -Wl,-rpath,"$libdir" || fail "pkg-config shared build"
uses_installed "$work/pc-shared"
run pkg-config-shared "$work/pc-shared"
static_libs=$(pkg-config --static --libs ecrassets | sed "s#-lecrassets#$libdir/libecrassets.a#")
# shellcheck disable=SC2046,SC2086
$cc -std=c11 -Wall -Wextra -Werror $flags -o "$work/pc-static" "$src/examples/c-app/main.c" \
	$(pkg-config --cflags ecrassets) $static_libs || fail "pkg-config static build"
is_static "$work/pc-static"
run pkg-config-static "$work/pc-static"

# -- find_package(ecrassets CONFIG)
cmake -S "$src/tests/install/consumer" -B "$work/consumer" -DCMAKE_C_COMPILER="$cc" \
	-DCMAKE_PREFIX_PATH="$prefix" -DECRA_EXAMPLES="$src/examples" \
	-DCMAKE_C_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >"$work/consumer.log" 2>&1 ||
	{ cat "$work/consumer.log" >&2; fail "find_package consumer configure"; }
grep -q "ecrassets .* from $libdir/cmake/ecrassets" "$work/consumer.log" ||
	{ cat "$work/consumer.log" >&2; fail "find_package did not find the installed package"; }
cmake --build "$work/consumer" >"$work/consumer-build.log" 2>&1 ||
	{ cat "$work/consumer-build.log" >&2; fail "find_package consumer build"; }
uses_installed "$work/consumer/c-app-shared"
run find_package-shared "$work/consumer/c-app-shared"
is_static "$work/consumer/c-app-static"
run find_package-static "$work/consumer/c-app-static"
echo "ok: installed into a temporary prefix and built examples/c-app against it"
