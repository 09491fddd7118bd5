#!/bin/sh
# libbump_alloc_malloc exports exactly the names in tests/malloc_symbols.txt:
# the malloc family and glibc's other names for it, nothing of its own.
lib="$top_builddir/lib/.libs/libbump_alloc_malloc.so"
if [ ! -f "$lib" ]; then
	echo "SKIP: no shared library at $lib (static-only or non-ELF build)"
	exit 77
fi
actual=$(${NM:-nm} -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVWi]$/ { print $3 }' |
	sed 's/@.*//' | LC_ALL=C sort -u)
expected=$(LC_ALL=C sort -u "$top_srcdir/tests/malloc_symbols.txt")
if [ "$actual" != "$expected" ]; then
	echo "FAIL: exported symbols differ from tests/malloc_symbols.txt (< expected, > exported):"
	printf '%s\n' "$expected" > malloc_symbols.expected.tmp
	printf '%s\n' "$actual" > malloc_symbols.actual.tmp
	diff malloc_symbols.expected.tmp malloc_symbols.actual.tmp
	rm -f malloc_symbols.expected.tmp malloc_symbols.actual.tmp
	exit 1
fi
# Initial-exec TLS only: no __tls_get_addr on the malloc fast path.
if ${NM:-nm} -D "$lib" | grep -q '__tls_get_addr'; then
	echo "FAIL: $lib uses general-dynamic TLS (__tls_get_addr)"
	exit 1
fi
echo "PASS: $(printf '%s\n' "$actual" | wc -l) exported symbols, the malloc family"
