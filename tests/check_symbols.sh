#!/bin/sh
# The shared library exports exactly the functions in tests/symbols.txt.
lib="$top_builddir/lib/.libs/libbump_alloc.so"
if [ ! -f "$lib" ]; then
	echo "SKIP: no shared library at $lib (static-only or non-ELF build)"
	exit 77
fi
actual=$(${NM:-nm} -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' |
	sed 's/@.*//' | LC_ALL=C sort -u)
expected=$(LC_ALL=C sort -u "$top_srcdir/tests/symbols.txt")
if [ "$actual" != "$expected" ]; then
	echo "FAIL: exported symbols differ from tests/symbols.txt (< expected, > exported):"
	printf '%s\n' "$expected" > symbols.expected.tmp
	printf '%s\n' "$actual" > symbols.actual.tmp
	diff symbols.expected.tmp symbols.actual.tmp
	rm -f symbols.expected.tmp symbols.actual.tmp
	exit 1
fi
echo "PASS: $(printf '%s\n' "$actual" | wc -l) exported symbols, all bump_*"
