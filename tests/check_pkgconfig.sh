#!/bin/sh
# Build and run a program against the installed library, found by pkg-config.
set -e
export PKG_CONFIG_PATH="$DESTDIR$pkgconfigdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
# A staged install (DESTDIR) is found through pkg-config's sysroot.
flags=$(PKG_CONFIG_SYSROOT_DIR="$DESTDIR" ${PKG_CONFIG:-pkg-config} --cflags --libs bump_alloc)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086
${CC:-cc} -o "$tmp/demo" "$top_srcdir/tests/pkgconfig_demo.c" $flags
LD_LIBRARY_PATH="$DESTDIR$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$tmp/demo"
echo "PASS: built and ran a program with pkg-config --cflags --libs bump_alloc"
# The same for C++, against the installed <bump_alloc.hpp>.
if [ "$CXX_WORKS" = yes ]; then
	# shellcheck disable=SC2086
	${CXX:-c++} -o "$tmp/demo_cxx" "$top_srcdir/tests/user_program.cc" $flags
	LD_LIBRARY_PATH="$DESTDIR$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$tmp/demo_cxx"
	echo "PASS: built and ran a C++ program with pkg-config --cflags --libs bump_alloc"
else
	echo "SKIP: no C++ compiler: <bump_alloc.hpp> not tried"
fi
