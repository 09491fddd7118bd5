#!/bin/bash
# CI: the release route.  Unpacks a release tarball (made by make dist or
# make distcheck) in a fresh directory and follows README's "From a release
# tarball": ./configure && make && make install, with the autotools hidden
# from PATH to prove that none is needed; installs into a DESTDIR and runs
# make installcheck there (pkg-config and CMake demos).  make distcheck
# already ran make check on the same tarball.
# Usage: .ci/tarball.sh TARBALL [BUILD_DIR]   (default /tmp/ci-tarball)
set -euo pipefail
ci_job=tarball
# shellcheck source=.ci/lib.sh
. "$(dirname "$0")/lib.sh"
tarball=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
build=${2:-/tmp/ci-tarball}

step "unpack $(basename "$tarball") in $build"
rm -rf "$build" && mkdir -p "$build/no-autotools"
tar xzf "$tarball" -C "$build"
cd "$build"/bump_alloc-*/
for tool in autoconf autoheader autom4te autoreconf automake aclocal \
	libtoolize automake-1.16 aclocal-1.16; do
	printf '#!/bin/sh\necho "%s called: a release tarball must not need it" >&2\nexit 1\n' \
		"$tool" > "$build/no-autotools/$tool"
	chmod +x "$build/no-autotools/$tool"
done
export PATH="$build/no-autotools:$PATH"

step "./configure && make && make install (DESTDIR)"
./configure -q
make -j2 >/dev/null
make install DESTDIR="$build/dest" >/dev/null
(cd "$build/dest" && find . -type f | sort)

step "make installcheck"
make installcheck DESTDIR="$build/dest"
step "all green"
