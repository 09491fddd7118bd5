#!/bin/sh
# The shared library exports exactly the functions in tests/symbols.txt.
lib="$top_builddir/lib/.libs/libbump_alloc.so"
dll=$(ls "$top_builddir"/lib/.libs/libbump_alloc-*.dll 2>/dev/null | head -n 1)
if [ -f "$lib" ]; then
	actual=$(${NM:-nm} -D --defined-only "$lib" |
		awk '$2 ~ /^[TDBRVW]$/ { print $3 }' | sed 's/@.*//' | LC_ALL=C sort -u)
elif [ -n "$dll" ] && [ -n "$OBJDUMP" ]; then
	# A Windows DLL: the names in its export table.
	lib=$dll
	actual=$($OBJDUMP -p "$dll" | sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/p' |
		awk '/^\t\[/ { print $NF }' | LC_ALL=C sort -u)
else
	echo "SKIP: no shared library at $lib (static-only build)"
	exit 77
fi
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
