#!/bin/bash
# CI for Windows: cross-build bump_alloc with mingw-w64 out of tree and run
# make check under wine, headless, then make installcheck: a program built
# against the installed DLL runs from a folder holding only itself and the
# DLL (no WINEPATH).  Check is not packaged for mingw, so it is cross-built
# first from Debian's own source package into the build dir.
# Usage: .ci/windows.sh [BUILD_DIR]   (default /tmp/ci-windows)
set -euo pipefail
ci_job=windows
# shellcheck source=.ci/lib.sh
. "$(dirname "$0")/lib.sh"
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-/tmp/ci-windows}
host=x86_64-w64-mingw32

step "packages: mingw-w64, wine, Check's source"
if ! grep -Eqrs '^(deb-src |Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	. /etc/os-release
	cat > /etc/apt/sources.list.d/bump-alloc-deb-src.sources <<EOT
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $VERSION_CODENAME
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
fi
apt_get update
install_packages gcc-mingw-w64-x86-64 wine wine64
rm -rf "$build"
mkdir -p "$build/check"

step "Check for $host (static, into $build/check/prefix)"
(
	cd "$build/check"
	apt_get source --download-only check 2>&1 | grep -v unsandboxed || true
	tar xzf check_*.orig.tar.gz
	mkdir obj && cd obj
	# mingw's C99 stdio, as bump_alloc uses: %zu and %jd in messages work.
	../check-*/configure -q --host=$host --prefix="$build/check/prefix" \
	    --disable-shared --disable-subunit \
	    CPPFLAGS=-D__USE_MINGW_ANSI_STDIO=1
	make -s -j2 -C lib && make -s -j2 -C src
	make -s -C src install && make -s install-data-am
) >"$build/check.log" 2>&1 || { tail -50 "$build/check.log"; exit 1; }
# Built with mingw's C99 printf, Check's messages take gnu_printf formats
# (its header says printf, which mingw's gcc reads as msvcrt's dialect).
sed -i 's/CK_ATTRIBUTE_FORMAT(printf,/CK_ATTRIBUTE_FORMAT(gnu_printf,/' \
	"$build/check/prefix/include/check.h"
export PKG_CONFIG_PATH="$build/check/prefix/lib/pkgconfig"

step "wine prefix (headless)"
export WINEPREFIX="$build/wine" WINEDEBUG=-all
unset DISPLAY
time wine wineboot -i >/dev/null 2>&1

step "cross build out of tree"
if [ -f "$src/config.status" ]; then
	# A configured source tree cannot host another build: use its tarball.
	make -s -C "$src" dist
	tar xzf "$src"/bump_alloc-*.tar.gz -C "$build"
	srcdir=$(echo "$build"/bump_alloc-*/)
else
	[ -x "$src/configure" ] || (cd "$src" && autoreconf -fi)
	srcdir=$src
fi
mkdir "$build/obj"
cd "$build/obj"
"$srcdir/configure" -q --host=$host --prefix=/usr/local
make -j2
make install DESTDIR="$build/dest"
(cd "$build/dest" && find . -type f -o -type l | sort)

step "make check under wine"
make -j2 check || { show_logs .; exit 1; }
grep '^[0-9]*%: Checks' tests/*.log
grep -h 'committed' tests/test_create.log || true

step "make installcheck: the installed DLL stands alone"
make installcheck DESTDIR="$build/dest"
