#!/bin/sh
# After an install, build and run programs against it, found by pkg-config:
#  - tests/pkgconfig_demo.c with `pkg-config --cflags --libs bump_alloc`;
#  - Windows (EXEEXT=.exe): the DLL imports system DLLs only, and the demo
#    runs under wine from a folder holding nothing but itself and the DLL;
#  - with the malloc replacement: `preload` (in bump_alloc.pc and
#    bump_alloc_malloc.pc) is the installed versioned soname, and
#    tests/malloc_demo.c linked with `pkg-config --libs bump_alloc_malloc`
#    allocates from it.  Without it, bump_alloc.pc has no `preload`.
# Environment: DESTDIR, pkgconfigdir (unset: pkg-config's default search,
# e.g. the Debian packages), CC, PKG_CONFIG, EXEEXT, OBJDUMP, WINE,
# build_malloc (yes or why not), BUMP_ALLOC_MALLOC_SONAME, expect_libdir.
set -e
pkg_config=${PKG_CONFIG:-pkg-config}
[ -z "$pkgconfigdir" ] ||
	export PKG_CONFIG_PATH="$DESTDIR$pkgconfigdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
# A staged install (DESTDIR) is found through pkg-config's sysroot.
pc() { PKG_CONFIG_SYSROOT_DIR="$DESTDIR" $pkg_config "$@"; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bump-pkgconfig.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
libdir=$(pc --variable=libdir bump_alloc)
echo "bump_alloc $(pc --modversion bump_alloc) in $libdir"
# An install of our own (not the system's packages) may need a path.
[ -z "$pkgconfigdir" ] ||
	export LD_LIBRARY_PATH="$DESTDIR$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

demo=$tmp/demo${EXEEXT}
# shellcheck disable=SC2046
${CC:-cc} -o "$demo" "$top_srcdir/tests/pkgconfig_demo.c" $(pc --cflags --libs bump_alloc)

if [ "$EXEEXT" = .exe ]; then
	# DLLs every Windows has; anything else must travel with the program.
	system='^(kernel32|msvcrt|ucrtbase|advapi32|ntdll|user32|ws2_32|api-ms-win-.*)\.dll$'
	dll=$(ls "$DESTDIR$bindir"/libbump_alloc-*.dll)
	imports=$($OBJDUMP -p "$dll" | sed -n 's/^[[:space:]]*DLL Name: //p')
	echo "$(basename "$dll") imports: $(echo $imports)"
	for name in $imports; do
		echo "$name" | tr 'A-Z' 'a-z' | grep -Eq "$system" ||
			{ echo "FAIL: $(basename "$dll") needs $name, which Windows does not have"; exit 1; }
	done
	mkdir "$tmp/alone"
	cp "$demo" "$dll" "$tmp/alone/"
	WINEPREFIX=${WINEPREFIX:-${TMPDIR:-/tmp}/bump_alloc-wine-$(id -u)}
	export WINEPREFIX WINEDEBUG=${WINEDEBUG:--all}
	unset WINEPATH DISPLAY
	(cd "$tmp/alone" && "$WINE" ./demo.exe) ||
		{ echo "FAIL: demo.exe does not run beside $(basename "$dll") alone"; exit 1; }
	echo "PASS: demo.exe runs under wine from a folder holding only itself and the DLL"
else
	"$demo"
	echo "PASS: built and ran a program with pkg-config --cflags --libs bump_alloc"
	# The same for C++, against the installed <bump_alloc.hpp>.
	if [ "$CXX_WORKS" = yes ]; then
		# shellcheck disable=SC2046
		${CXX:-c++} -o "$tmp/demo_cxx" "$top_srcdir/tests/user_program.cc" $(pc --cflags --libs bump_alloc)
		"$tmp/demo_cxx"
		echo "PASS: built and ran a C++ program with pkg-config --cflags --libs bump_alloc"
	else
		echo "SKIP: no C++ compiler: <bump_alloc.hpp> not tried"
	fi
	# expect_libdir: the library the demo loads must come from there (a
	# copy elsewhere, e.g. in /usr/local/lib, would shadow the packages).
	if [ -n "$expect_libdir" ]; then
		loaded=$(ldd "$demo" | awk '$1 ~ /^libbump_alloc\./ { print $3 }')
		if [ "$(readlink -f "$(dirname "$loaded")")" != "$(readlink -f "$expect_libdir")" ]; then
			echo "FAIL: the demo loads $loaded, not the one in $expect_libdir"
			exit 1
		fi
		echo "PASS: the demo loads $loaded"
	fi
fi

if [ "${build_malloc:-yes}" != yes ]; then
	if pc --variable=preload bump_alloc | grep -q .; then
		echo "FAIL: bump_alloc.pc offers preload, but the replacement is not built"
		exit 1
	fi
	echo "PASS: no preload in bump_alloc.pc (no malloc replacement built)"
	exit 0
fi
preload=$(pc --variable=preload bump_alloc_malloc)
[ "$preload" = "$(pc --variable=preload bump_alloc)" ] ||
	{ echo "FAIL: bump_alloc.pc and bump_alloc_malloc.pc disagree on preload"; exit 1; }
[ -f "$DESTDIR$preload" ] || { echo "FAIL: preload=$preload is not installed"; exit 1; }
# The file's own soname, as the dynamic linker records it.
soname=$(${OBJDUMP:-objdump} -p "$DESTDIR$preload" | awk '$1 == "SONAME" { print $2 }')
if [ "$soname" != "$(basename "$preload")" ] ||
    { [ -n "$BUMP_ALLOC_MALLOC_SONAME" ] && [ "$soname" != "$BUMP_ALLOC_MALLOC_SONAME" ]; }; then
	echo "FAIL: preload=$preload, but its soname is '$soname' (configure said '$BUMP_ALLOC_MALLOC_SONAME')"
	exit 1
fi
echo "PASS: preload=$preload, the library's soname"
# shellcheck disable=SC2046
${CC:-cc} -o "$tmp/malloc_demo" "$top_srcdir/tests/malloc_demo.c" $(pc --cflags --libs bump_alloc_malloc)
BUMP_ALLOC_STATS=1 "$tmp/malloc_demo" 2> "$tmp/stats"
grep -q '^bump_alloc: pid .*64 MiB' "$tmp/stats" ||
	{ cat "$tmp/stats"; echo "FAIL: malloc_demo does not allocate with libbump_alloc_malloc"; exit 1; }
BUMP_ALLOC_STATS=1 LD_PRELOAD="$DESTDIR$preload" cat /dev/null 2> "$tmp/stats"
grep -q '^bump_alloc: pid ' "$tmp/stats" ||
	{ cat "$tmp/stats"; echo "FAIL: LD_PRELOAD=$preload did not take over malloc"; exit 1; }
echo "PASS: linked with pkg-config --libs bump_alloc_malloc, and preloaded"
