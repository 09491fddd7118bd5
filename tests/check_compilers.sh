#!/bin/sh
# A user's program builds against <bump_alloc.h> and <bump_alloc.hpp>
# without a single warning (-Wall -Wextra -Wpedantic -Werror, -O2) with
# every C and C++ compiler found (the configured ones, gcc, clang, g++,
# clang++) at every language level the headers promise, and runs.
# A cross or sanitizer build uses only the configured compilers.
inc="-I$top_builddir/include -I$top_srcdir/include"
libs=$(cd "$top_builddir/lib/.libs" 2>/dev/null && pwd)
warn="-O2 -Wall -Wextra -Wpedantic -Werror"
status=0 built=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Run what was built only where the shared library is native.
runnable=no
[ -n "$libs" ] && [ -f "$libs/libbump_alloc.so" ] && [ -z "$EXEEXT" ] && runnable=yes

# Other compilers only for a native build without a sanitizer.
others=$runnable
[ -z "$CXX_SANITIZE_FLAGS" ] || others=no

# compilers CONFIGURED NAME...: the configured compiler, then the others found.
compilers() {
	printf '%s\n' "$1"
	shift
	[ "$others" = yes ] || return 0
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 && printf '%s\n' "$c"
	done
}

# build COMPILER STD SOURCE: compile (and link and run when native).
build() {
	out="$tmp/prog"
	# shellcheck disable=SC2086
	if [ "$runnable" = yes ]; then
		$1 -std="$2" $warn $CXX_SANITIZE_FLAGS $inc -o "$out" "$3" \
		    -L"$libs" -lbump_alloc -Wl,-rpath,"$libs" >"$tmp/log" 2>&1
	else
		$1 -std="$2" $warn $inc -c -o "$out.o" "$3" >"$tmp/log" 2>&1
	fi
	rc=$?
	built=$((built + 1))
	if [ $rc != 0 ]; then
		echo "FAIL: $1 -std=$2 $warn $(basename "$3"):"
		cat "$tmp/log"
		status=1
		return
	fi
	if [ "$runnable" = yes ] && ! "$out" >"$tmp/run" 2>&1; then
		echo "FAIL: $(basename "$3") built by $1 -std=$2 exits $?:"
		cat "$tmp/run"
		status=1
		return
	fi
	echo "PASS: $1 -std=$2 $(basename "$3")"
}

for cc in $(compilers "$CC" gcc clang | awk '!seen[$0]++'); do
	for std in c99 c11 c17; do
		build "$cc" "$std" "$top_srcdir/tests/user_program.c"
	done
done
if [ "$CXX_WORKS" = yes ]; then
	for cxx in $(compilers "$CXX" g++ clang++ | awk '!seen[$0]++'); do
		for std in c++11 c++14 c++17 c++20; do
			build "$cxx" "$std" "$top_srcdir/tests/user_program.cc"
		done
	done
else
	echo "no C++ compiler for this host: C++ builds skipped"
fi
[ "$built" -gt 0 ] || exit 77
exit $status
