#!/bin/sh
# Each shared library exports exactly the names in its list:
#   libbump_alloc         tests/symbols.txt         the bump_* functions
#   libbump_alloc_malloc  tests/malloc_symbols.txt  the malloc family and
#                         glibc's other names for it (when it is built)
status=0 checked=0

# exported_names LIB: the names LIB exports (ELF dynamic symbols or, for a
# Windows DLL, its export table), sorted.
exported_names() {
	case $1 in
	*.dll)
		$OBJDUMP -p "$1" | sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/p' |
			awk '/^\t\[/ { print $NF }';;
	*)
		${NM:-nm} -D --defined-only "$1" |
			awk '$2 ~ /^[TDBRVWi]$/ { print $3 }' | sed 's/@.*//';;
	esac | LC_ALL=C sort -u
}

# check LIB LIST WHAT: LIB exports exactly the names in LIST.
check() {
	actual=$(exported_names "$1")
	expected=$(LC_ALL=C sort -u "$top_srcdir/tests/$2")
	checked=$((checked + 1))
	if [ "$actual" != "$expected" ]; then
		echo "FAIL: $1 exports differ from tests/$2 (< expected, > exported):"
		printf '%s\n' "$expected" > "$2.expected.tmp"
		printf '%s\n' "$actual" > "$2.actual.tmp"
		diff "$2.expected.tmp" "$2.actual.tmp"
		rm -f "$2.expected.tmp" "$2.actual.tmp"
		status=1
	else
		echo "PASS: $(printf '%s\n' "$actual" | wc -l) exported symbols, $3"
	fi
}

libs=$top_builddir/lib/.libs
dll=$(ls "$libs"/libbump_alloc-*.dll 2>/dev/null | head -n 1)
if [ -f "$libs/libbump_alloc.so" ]; then
	check "$libs/libbump_alloc.so" symbols.txt "all bump_*"
elif [ -n "$dll" ] && [ -n "$OBJDUMP" ]; then
	check "$dll" symbols.txt "all bump_*"
fi
malloc_lib=$libs/libbump_alloc_malloc.so
if [ -f "$malloc_lib" ]; then
	check "$malloc_lib" malloc_symbols.txt "the malloc family"
	# Initial-exec TLS only: no __tls_get_addr on the malloc fast path.
	if ${NM:-nm} -D "$malloc_lib" | grep -q '__tls_get_addr'; then
		echo "FAIL: $malloc_lib uses general-dynamic TLS (__tls_get_addr)"
		status=1
	fi
fi
if [ "$checked" = 0 ]; then
	echo "SKIP: no shared library in $libs (static-only build)"
	exit 77
fi
exit $status
