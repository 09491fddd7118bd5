#!/bin/sh
# examples/build.sh DIR - build into DIR every example whose libraries are
# installed, with examples/Makefile; say why each other one is skipped.
# The names built go to DIR/built, one a line.  Exits 1 if a build fails.
#
# bump_alloc is found with pkg-config (or given as BUMP_CFLAGS and
# BUMP_LIBS); each example needs one more library (Debian packages):
#   zlib_arena      zlib1g-dev
#   protobuf_arena  libprotobuf-c-dev, protobuf-c-compiler (protoc-c)
#   lua_arena       liblua5.4-dev
#   expat_arena     libexpat1-dev
#   pmr_pipeline    a C++17 compiler with <memory_resource> (g++ 9 or later)
#
# Written in 2026 by the bump_alloc authors; CC0 1.0 (public domain).
set -u
# Not the flags of a make that runs this one (make check): a build of its own.
unset MAKEFLAGS MFLAGS MAKELEVEL
src=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: build.sh DIR}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
mkdir -p "$dir" && dir=$(cd "$dir" && pwd) || exit 1

# A C++ compiler that make knows too.
CXX=${CXX:-g++}
export CXX

# missing NAME: why NAME cannot be built here (nothing when it can).
missing() {
	case $1 in
	zlib_arena) module zlib zlib1g-dev;;
	protobuf_arena)
		module libprotobuf-c libprotobuf-c-dev
		command -v "${PROTOC_C:-protoc-c}" >/dev/null ||
			echo "no protoc-c (Debian: protobuf-c-compiler)";;
	lua_arena) module lua5.4 liblua5.4-dev;;
	expat_arena) module expat libexpat1-dev;;
	pmr_pipeline)
		printf '#include <memory_resource>\nint main() { return 0; }\n' \
			> "$dir/pmr_probe.cc"
		"$CXX" -std=c++17 -o "$dir/pmr_probe" "$dir/pmr_probe.cc" \
			>/dev/null 2>&1 ||
			echo "no C++17 compiler with <memory_resource> ($CXX; Debian: g++)"
		rm -f "$dir/pmr_probe" "$dir/pmr_probe.cc";;
	esac
}

# module NAME PACKAGE: complain unless pkg-config knows NAME.
module() {
	"$PKG_CONFIG" --exists "$1" ||
		echo "no pkg-config module $1 (Debian: $2)"
}

if [ -z "${BUMP_LIBS:-}" ] && ! "$PKG_CONFIG" --exists bump_alloc; then
	echo "SKIP: bump_alloc is not installed (pkg-config bump_alloc)"
	exit 77
fi
status=0
: > "$dir/built"
for name in zlib_arena protobuf_arena lua_arena expat_arena pmr_pipeline; do
	why=$(missing "$name")
	if [ -n "$why" ]; then
		echo "SKIP: $name: $why"
	elif make -s --no-print-directory -C "$dir" -f "$src/Makefile" srcdir="$src" "$name"; then
		echo "$name" >> "$dir/built"
	else
		echo "FAIL: $name does not build"
		status=1
	fi
done
exit $status
