#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/install/deb.sh BUILD_DIR
#
# `cpack -G DEB`, check the package's Depends (computed by dpkg-shlibdeps),
# `dpkg -i` it on this machine, run what it installed (`ecr-assets
# --version`, `man -w ecr-assets-publish`, pkg-config), then `dpkg -r`.
# Installing system packages needs root: otherwise the test is skipped
# (exit 77). A machine that already has a package named ecr-assets is left
# alone (skipped too): the test never removes what it did not install.
set -eu
build=$1
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || skip "dpkg -i needs root (CI runs as root); not root here"
command -v dpkg-shlibdeps >/dev/null || fail "dpkg-shlibdeps missing: scripts/install-deps.sh installs dpkg-dev"
if dpkg-query -W -f='${Status}' ecr-assets 2>/dev/null | grep -q 'ok installed'; then
	skip "a package ecr-assets is already installed here; not replacing it"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ecra-deb.XXXXXX")
installed=0
cleanup() {
	[ $installed = 1 ] && dpkg -P ecr-assets >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

(cd "$build" && cpack -G DEB -B "$work" >"$work/cpack.log" 2>&1) ||
	{ cat "$work/cpack.log" >&2; fail "cpack -G DEB"; }
deb=$(ls "$work"/ecr-assets_*.deb)
[ -f "$deb" ] || fail "no .deb made"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
# from the ELF files (dpkg-shlibdeps), and the dlopen'ed libraries
for p in libc6 libssl libjansson zlib1g libcurl libarchive; do
	echo "$depends" | grep -q "$p" || fail "Depends lacks $p"
done
dpkg-deb -c "$deb" | grep -q './usr/share/man/man1/ecr-assets-publish.1' ||
	fail "the package has no ecr-assets-publish(1)"

# one dpkg at a time, even when several builds test at once
exec 9>/tmp/ecra-deb-test.lock
flock 9
installed=1
dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i"; }
out=$(/usr/bin/ecr-assets --version) || fail "/usr/bin/ecr-assets --version"
echo "$out" | grep -q "^ecr-assets $(dpkg-deb -f "$deb" Version)\$" || fail "version: '$out'"
page=$(man -w ecr-assets-publish) || fail "man -w ecr-assets-publish finds nothing"
case $page in /usr/share/man/man1/ecr-assets-publish.1*) ;; *) fail "man -w: $page" ;; esac
[ "$(pkg-config --modversion ecrassets)" = "$(dpkg-deb -f "$deb" Version)" ] ||
	fail "pkg-config does not see the installed ecrassets.pc"
ldconfig -p | grep -q 'libecrassets.so.0 ' || fail "libecrassets.so.0 not in the ld.so cache"
dpkg -r ecr-assets >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -r"; }
installed=0
[ ! -e /usr/bin/ecr-assets ] || fail "dpkg -r left /usr/bin/ecr-assets"
[ ! -e /usr/share/man/man1/ecr-assets-publish.1 ] || fail "dpkg -r left the man page"
# forget the package entirely (dpkg -r keeps a "config-files" record)
dpkg -P ecr-assets >/dev/null 2>&1 || fail "dpkg -P"
echo "ok: built, installed, ran and removed $(basename "$deb")"
