#!/bin/sh
# After an install, a CMake project (tests/cmake_demo) finds bump_alloc with
# find_package(bump_alloc 0.1 REQUIRED), builds against its imported
# targets and runs.  Environment: prefix and DESTDIR (where the install
# is; unset: CMake's default search, e.g. the Debian packages), CC,
# expect_dir (the directory the package config must come from), CMAKE;
# for a Windows cross build cross_compiling=yes, EXEEXT, WINE, bindir.
set -e
cmake=${CMAKE:-cmake}
if ! command -v "$cmake" >/dev/null 2>&1; then
	echo "SKIP: cmake not found (Debian: apt-get install cmake)"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bump-cmake.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [ -n "$prefix" ]; then
	set -- "-DCMAKE_PREFIX_PATH=$DESTDIR$prefix"
fi
[ -z "$CC" ] || export CC
run=
if [ "${cross_compiling:-no}" = yes ]; then
	# A mingw-w64 cross build: CMake cross-compiles, wine runs the demo
	# with the installed DLL on its path.
	if [ "$EXEEXT" != .exe ] || [ -z "$WINE" ]; then
		echo "SKIP: CMake demo in a cross build for a host that is not Windows under wine"
		exit 0
	fi
	set -- "$@" -DCMAKE_SYSTEM_NAME=Windows
	WINEPREFIX=${WINEPREFIX:-${TMPDIR:-/tmp}/bump_alloc-wine-$(id -u)}
	WINEPATH=$DESTDIR$bindir WINEDEBUG=${WINEDEBUG:--all}
	export WINEPREFIX WINEPATH WINEDEBUG
	unset DISPLAY
	run=$WINE
fi
"$cmake" -S "$top_srcdir/tests/cmake_demo" -B "$tmp" "$@" > "$tmp/configure.log" 2>&1 ||
	{ cat "$tmp/configure.log"; echo "FAIL: cmake could not configure the demo"; exit 1; }
found=$(sed -n 's/^-- bump_alloc \([^ ]*\) from \(.*\)$/\1 \2/p' "$tmp/configure.log")
echo "found bump_alloc $found"
if [ -n "$expect_dir" ] && [ "${found#* }" != "$expect_dir" ]; then
	echo "FAIL: bump_allocConfig.cmake came from ${found#* }, not $expect_dir"
	exit 1
fi
"$cmake" --build "$tmp" > "$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log"; echo "FAIL: the CMake demo did not build"; exit 1; }
$run "$tmp/demo$EXEEXT"
if [ -x "$tmp/malloc_demo" ]; then
	BUMP_ALLOC_STATS=1 "$tmp/malloc_demo" 2> "$tmp/stats"
	grep -q '^bump_alloc: pid .*64 MiB' "$tmp/stats" ||
		{ cat "$tmp/stats"; echo "FAIL: malloc_demo did not run on bump_alloc::malloc"; exit 1; }
elif [ "${build_malloc:-yes}" = yes ]; then
	echo "FAIL: no bump_alloc::malloc target, though the replacement is built"
	exit 1
fi
echo "PASS: find_package(bump_alloc 0.1 REQUIRED), its targets and version rules"
