#!/bin/bash
# CI: the Debian packages.  Builds them from the committed tree with
# `dpkg-buildpackage -us -uc -b`, checks them with lintian (errors and
# warnings fail), installs them with `apt-get install ./*.deb`, builds and
# runs the pkg-config demo, the CMake demo and `bump-run -- python3`
# against them, then purges them.  Debian 12, root.
#
# The packages are built with DEB_BUILD_OPTIONS=nocheck: .ci/run has run
# make check on the same sources minutes before, and running the suite
# again would cost about as much as the rest of this job (the CI budget is
# 40 minutes); the demos below exercise the packaged binaries.  Set
# DEB_BUILD_OPTIONS to run it anyway.
#
# Nothing of bump_alloc may be under /usr/local: it would shadow the
# packages (pkg-config, CMake and PATH look there first).  .ci/run runs
# `make uninstall` before this job; here it is checked.
# Usage: .ci/debian.sh [BUILD_DIR]   (default /tmp/ci-debian)
set -euo pipefail
ci_job=debian
# shellcheck source=.ci/lib.sh
. "$(dirname "$0")/lib.sh"
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-/tmp/ci-debian}

step "packages: debhelper, lintian, cmake"
install_packages build-essential debhelper lintian pkg-config check cmake \
	python3 man-db git
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)

step "dpkg-buildpackage -us -uc -b ($version)"
rm -rf "$build" && mkdir -p "$build"
git -C "$src" archive --prefix="bump-alloc-${version%-*}/" HEAD | tar x -C "$build"
(cd "$build/bump-alloc-${version%-*}" &&
	DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-nocheck parallel=2} \
	dpkg-buildpackage -us -uc -b) > "$build/build.log" 2>&1 ||
	{ tail -60 "$build/build.log"; exit 1; }
cd "$build"
ls -l ./*.deb
for deb in ./*.deb; do dpkg-deb -c "$deb" | awk '{ print $6, $7, $8 }'; done

step "lintian"
# initial-upload-closes-no-bugs: these packages are built by upstream's CI,
# not uploaded to Debian, so there is no ITP bug to close.
lintian --fail-on error,warning -I --suppress-tags initial-upload-closes-no-bugs \
	./*.changes

step "install with apt-get install ./*.deb"
if find /usr/local \( -name '*bump_alloc*' -o -name bump-run \) ! -type d | grep .; then
	echo "these would shadow the packages: make uninstall first"
	exit 1
fi
install_packages ./*.deb
dpkg -l 'libbump-alloc*' | grep '^ii'

step "the installed packages work"
test "$(command -v bump-run)" = /usr/bin/bump-run
test "$(pkg-config --variable=libdir bump_alloc)" = "/usr/lib/$multiarch"
man -w 1 bump-run && man -w 3 bump_alloc && man -w 3 bump_destroy
top_srcdir=$src expect_libdir="/usr/lib/$multiarch" bash "$src/tests/check_pkgconfig.sh"
top_srcdir=$src expect_dir="/usr/lib/$multiarch/cmake/bump_alloc" \
	bash "$src/tests/check_cmake.sh"
out=$(bump-run --stats -- python3 -c 'print(1)' 2> stats.txt)
head -n 4 stats.txt
test "$out" = 1
grep -q '^bump_alloc: pid ' stats.txt
bump-run --help | head -n 1

step "purge"
apt_get purge -y libbump-alloc0 libbump-alloc-malloc0 libbump-alloc-dev >/dev/null
if dpkg -l 'libbump-alloc*' 2>/dev/null | grep '^ii'; then exit 1; fi
step "all green"
