#!/bin/bash
# CI: the Debian packages, built and installed with the README's commands
# word for word (its "Debian packages" section: the build dependencies,
# dpkg-buildpackage -us -uc -b, apt-get install of the four packages), in
# a copy of the committed tree; then lintian --pedantic (errors and
# warnings fail; every tag is shown), the packages' contents, and the
# installed packages at work: the pkg-config and CMake demos, the examples
# from libbump-alloc-dev, `bump-run -- python3`.  Then they are purged.
# Debian 12, root (sudo installed: the README is written for a user).
#
# The packages are built with DEB_BUILD_OPTIONS=nocheck: .ci/run has run
# make check on the same sources minutes before, and running the suite
# again would cost about as much as the rest of this job (the CI budget is
# 40 minutes).  .ci/fresh_machine.sh runs the route with the tests, in a
# clean Debian 12 root.  Set DEB_BUILD_OPTIONS to run them here.
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

step "packages this job uses: lintian, cmake, sudo"
install_packages lintian cmake python3 man-db git sudo
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
tree=$build/bump-alloc-${version%-*}

if find /usr/local \( -name '*bump_alloc*' -o -name bump-run \) ! -type d | grep .; then
	echo "these would shadow the packages: make uninstall first"
	exit 1
fi
rm -rf "$build" && mkdir -p "$build"
git -C "$src" archive --prefix="${tree##*/}/" HEAD | tar x -C "$build"
readme_commands "$src/README" "Debian packages" > "$build/route.sh"
export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-nocheck parallel=2}
while IFS= read -r command; do
	step "README: $command"
	(cd "$tree" && bash -euo pipefail -c "$command") > "$build/step.log" 2>&1 ||
		{ tail -60 "$build/step.log"; exit 1; }
	tail -n 3 "$build/step.log"
done < "$build/route.sh"
cd "$build"
ls -l ./*.deb

step "lintian --pedantic (errors and warnings fail)"
lintian --pedantic --info --fail-on error,warning ./*.changes

step "what the packages hold"
for deb in ./*.deb; do
	case $deb in *-dbgsym_*) continue;; esac
	echo "$deb"
	dpkg-deb -c "$deb" | awk '{ print "   ", $6, $7, $8 }'
done
installed=$(dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' \
	'libbump-alloc*' 'bump-alloc*' 2>/dev/null | awk '$1 == "ii" { print $2 }' | sort | xargs)
echo "installed: $installed"
test "$installed" = "bump-alloc-tools libbump-alloc-dev libbump-alloc-malloc0 libbump-alloc0"

step "the installed packages work"
test "$(command -v bump-run)" = /usr/bin/bump-run
test "$(pkg-config --variable=libdir bump_alloc)" = "/usr/lib/$multiarch"
man -w 1 bump-run && man -w 3 bump_alloc && man -w 3 bump_destroy && man -w 7 bump_examples
# C++ too: <bump_alloc.hpp> finds <bump_alloc.h> in the architecture's
# include directory, where the package puts it (Multi-Arch: same).
CXX_WORKS=yes top_srcdir=$src expect_libdir="/usr/lib/$multiarch" \
	bash "$src/tests/check_pkgconfig.sh"
top_srcdir=$src expect_dir="/usr/lib/$multiarch/cmake/bump_alloc" \
	bash "$src/tests/check_cmake.sh"
out=$(bump-run --stats -- python3 -c 'print(1)' 2> stats.txt)
head -n 4 stats.txt
test "$out" = 1
grep -q '^bump_alloc: pid ' stats.txt
bump-run --help | head -n 1

step "the examples from libbump-alloc-dev, against the packages"
EXAMPLES_REQUIRED=yes PACKAGE_VERSION=${version%-*} EXEEXT= \
	top_srcdir=/usr/share/doc/libbump-alloc-dev bash "$src/tests/check_examples.sh"

step "purge"
apt_get purge -y libbump-alloc0 libbump-alloc-malloc0 libbump-alloc-dev \
	bump-alloc-tools >/dev/null
if dpkg -l 'libbump-alloc*' 'bump-alloc*' 2>/dev/null | grep '^ii'; then exit 1; fi
step "all green"
